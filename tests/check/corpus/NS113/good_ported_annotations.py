"""A near-sdk-py class contract ported to near_safe (issue 14): annotations kept, near_safe's
options added.  Annotated ints that are not yoctoNEAR (gas, counts, times, basis points) and an
int annotation overridden by near_safe's args= kind AMOUNT (a decimal string at the JSON
interface) are not amounts sent as JSON numbers."""
from typing import Optional

from near_safe import AMOUNT, INT, Contract, call, callback, init, safe_call, state, view

Balance = str  # near-sdk-py users' spellings of a U128 amount: decimal strings
AccountId = str


class Auction(Contract):
    @init
    def new(self, end_time: int, auctioneer: AccountId, fee_bps: int = 0):
        state.set("cfg", [end_time, auctioneer, fee_bps])

    @call(payable=True)
    def bid(self, max_price: Balance, memo: Optional[str] = None):
        return str(self.attached_deposit)

    @call(args={"amount": AMOUNT, "gas_amount": INT})
    def withdraw(self, amount: int, gas_amount: int = 30):
        user = self.predecessor_account_id
        return safe_call(user, "ping", {}, own_gas=gas_amount, then="on_done", debit=amount)

    @call
    def note(self, total_count: int, stake_time: int = 0, deposit_index: int | None = None):
        state.set("n", total_count + stake_time)

    @callback
    def on_done(self, result):
        return result.ok

    @view
    def get_fee(self) -> int:
        return state.get("cfg")[2]
