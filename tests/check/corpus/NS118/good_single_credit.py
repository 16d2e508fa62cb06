"""credit= alone credits the stake at settlement; the callback credits another ledger (a
loyalty point per stake), which is not the same money."""
import near

from near_safe import AMOUNT, call, callback, operation, require, safe_call, state

STAKED = "staked"


@call(payable=True)
def stake():
    amount = near.attached_deposit()
    require(amount > 0, "attach the NEAR to stake")
    return safe_call(state.get("pool"), "deposit_and_stake", deposit=amount, then="on_staked",
                     refund=amount, credit=STAKED)


@callback
def on_staked(result):
    if result.ok:
        state.credit("points", operation().caller, 1)
    return result.ok


@call(payable=True)
def stake_by_hand():
    amount = near.attached_deposit()
    return safe_call(state.get("pool"), "deposit_and_stake", deposit=amount,
                     then="on_staked_by_hand", then_args={"amount": str(amount)}, refund=amount)


@callback(args={"amount": AMOUNT})
def on_staked_by_hand(result, amount):
    if result.ok:
        state.credit(STAKED, operation().caller, int(amount))
