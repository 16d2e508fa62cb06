"""Bench contract, near_safe version: deposit-and-stake and token withdraw, nothing else.
Its twin bench_hand.py is the same safe flow written by hand in plain near-sdk-py."""

import near

from near_safe import ACCOUNT, AMOUNT, call, callback, init, safe_call, state, view


class Vault:
    @init(args={"staking": ACCOUNT, "token": ACCOUNT})
    def new(self, staking, token):
        state.set("cfg", [staking, token])

    @call(payable=True)
    def deposit_and_stake(self):
        user = near.predecessor_account_id()
        amount = near.attached_deposit()
        return safe_call(state.get("cfg")[0], "deposit_and_stake", deposit=amount,
                         then="on_staked", refund=amount, credit="staked", lock=user)

    @callback
    def on_staked(self, result):
        return result.ok

    @call(args={"amount": AMOUNT})
    def withdraw_tokens(self, amount):
        user = near.predecessor_account_id()
        return safe_call(state.get("cfg")[1], "ft_transfer",
                         {"receiver_id": user, "amount": str(amount)}, deposit=1,
                         then="on_tokens_sent", debit=("tokens", user, amount), lock=user)

    @callback
    def on_tokens_sent(self, result):
        return result.ok

    @call(private=True, args={"account_id": ACCOUNT, "amount": AMOUNT})
    def credit_tokens(self, account_id, amount):
        state.credit("tokens", account_id, amount)

    @view(args={"account_id": ACCOUNT})
    def staked_of(self, account_id):
        return str(state.balance("staked", account_id))

    @view(args={"account_id": ACCOUNT})
    def tokens_of(self, account_id):
        return str(state.balance("tokens", account_id))
