"""A vault that holds tokens for its users (in its own account at the token contract) and lets
them withdraw: debit first, transfer, restore the debit if the transfer failed."""

import near

from near_safe import ACCOUNT, AMOUNT, call, callback, init, safe_call, state, view

TOKENS = "tokens"  # ledger: each user's tokens held by the vault


@init(private=True, args={"token": ACCOUNT})
def new(token):
    state.set("token", token)


@call(private=True, args={"account_id": ACCOUNT, "amount": AMOUNT})
def credit(account_id, amount):
    """Stands in for a real deposit path (NEP-141 ``ft_on_transfer``); see README."""
    state.credit(TOKENS, account_id, amount)


@call(args={"amount": AMOUNT})
def withdraw(amount):
    user = near.predecessor_account_id()
    return safe_call(state.get("token"), "ft_transfer",
                     {"receiver_id": user, "amount": str(amount)}, deposit=1,
                     then="on_withdrawn", debit=(TOKENS, user, amount), lock=user)


@callback
def on_withdrawn(result):
    return result.succeeded  # near_safe restored the debit on failure, and unlocked


@view(args={"account_id": ACCOUNT})
def balance_of(account_id):
    return str(state.balance(TOKENS, account_id))
