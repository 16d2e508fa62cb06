"""The staking vault's init is public: between the deploy and the owner's init anyone can
initialise it with their own pool, and every later stake goes there."""
import near

from near_safe import ACCOUNT, call, callback, init, safe_call, state


@init(args={"pool": ACCOUNT})
def new(pool):  # expect: NS117
    state.set("pool", pool)


@call(payable=True)
def stake():
    amount = near.attached_deposit()
    return safe_call(state.get("pool"), "deposit_and_stake", deposit=amount, then="on_staked",
                     refund=amount, credit="staked")


@callback
def on_staked(result):
    return result.ok
