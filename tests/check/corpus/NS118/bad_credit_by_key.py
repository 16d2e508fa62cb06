"""Deferred credit to the "shares" ledger, plus a hand-written read-modify-write of the same
ledger's storage key in the callback."""
import near

from near_safe import call, callback, operation, safe_call, state

POOL = "pool.near"


@call(payable=True)
def deposit():
    amount = near.attached_deposit()
    return safe_call(POOL, "deposit", deposit=amount, then="on_deposit", refund=amount,
                     credit="shares")


@callback
def on_deposit(result):
    user = operation().caller
    if result.ok:
        key = "shares:" + user
        state.set(key, str(int(state.get(key, "0")) + near.attached_deposit()))  # expect: NS118
