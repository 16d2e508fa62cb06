"""The same vault as ``vault.py`` in the class style (near-sdk-py's ``Contract``): nearc
exports the methods through an instance; same checks, same storage, same tests."""

from near_safe import ACCOUNT, AMOUNT, Contract, call, callback, init, safe_call, state, view

TOKENS = "tokens"  # ledger: each user's tokens held by the vault


class Vault(Contract):
    @init(private=True, args={"token": ACCOUNT})
    def new(self, token):
        self.storage["token"] = token

    @call(private=True, args={"account_id": ACCOUNT, "amount": AMOUNT})
    def credit(self, account_id, amount):
        """Stands in for a real deposit path (NEP-141 ``ft_on_transfer``); see README."""
        state.credit(TOKENS, account_id, amount)

    @call(args={"amount": AMOUNT})
    def withdraw(self, amount):
        user = self.predecessor_account_id
        return safe_call(self.storage["token"], "ft_transfer",
                         {"receiver_id": user, "amount": str(amount)}, deposit=1,
                         then="on_withdrawn", debit=(TOKENS, user, amount), lock=user)

    @callback
    def on_withdrawn(self, result):
        return result.succeeded  # near_safe restored the debit on failure, and unlocked

    @view(args={"account_id": ACCOUNT})
    def balance_of(self, account_id):
        return str(state.balance(TOKENS, account_id))
