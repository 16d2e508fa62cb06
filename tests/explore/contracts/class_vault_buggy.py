"""A class-based near_safe vault (near-sdk-py's shape) with one bug the explorer must find by
reading near_safe's storage, with no view named by any convention: ``deposit`` forwards the
caller's NEAR with ``credit=`` but no ``refund=``, so when the pool fails the deposit goes back
to this vault, not to the user (NEAR lost for the user)."""

from near_safe import Contract, call, callback, safe_call, state, view

LEDGER = "savings"


class Vault(Contract):
    @call(payable=True)
    def deposit(self):
        amount = self.attached_deposit
        return safe_call("pool.near", "deposit_and_stake", deposit=amount, then="on_deposit",
                         credit=LEDGER)

    @callback
    def on_deposit(self, result):
        return result.ok

    @view
    def how_much(self, who: AccountId):
        return str(state.balance(LEDGER, who))

    def _helper(self):
        return 1
