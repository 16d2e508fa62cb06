"""Amount parameters that take JSON numbers, however the kind is spelled: near_safe's INT in
args= (which wins over any annotation), an annotation near_safe's args= does not override,
Optional and union annotations."""
from typing import Optional

from near_safe import INT, STR, Contract, call, optional, state


class Vault(Contract):
    @call(args={"amount": INT, "memo": STR})
    def lock(self, amount, memo):  # expect: NS113
        state.set("locked", str(amount))

    @call(args={"memo": STR})
    def tip(self, memo, tip_amount: int = 0):  # expect: NS113
        state.set("tip", str(tip_amount))

    @call(args={"max_deposit": optional(INT)})
    def set_cap(self, max_deposit: str = "0"):  # expect: NS113
        state.set("cap", max_deposit)

    @call
    def cap(self, max_deposit: Optional[int] = None, fee: int | None = None):  # expect: NS113
        state.set("cap", str(max_deposit))
