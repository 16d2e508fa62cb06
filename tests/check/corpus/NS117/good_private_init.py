"""Initialised in the deploy batch: @init(private=True) accepts only the contract account, so
nobody can initialise it first with their own pool."""
import near

from near_safe import ACCOUNT, call, callback, init, safe_call, state


@init(private=True, args={"pool": ACCOUNT})
def new(pool):
    state.set("pool", pool)


@call(payable=True)
def stake():
    amount = near.attached_deposit()
    return safe_call(state.get("pool"), "deposit_and_stake", deposit=amount, then="on_staked",
                     refund=amount, credit="staked")


@callback
def on_staked(result):
    return result.ok
