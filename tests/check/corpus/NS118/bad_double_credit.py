"""The staking vault credits the stake in its callback by hand, and safe_call's credit=
credits it again at settlement: every stake counts twice."""
import near

from near_safe import AMOUNT, call, callback, operation, require, safe_call, state

STAKED = "staked"


@call(payable=True)
def stake():
    amount = near.attached_deposit()
    require(amount > 0, "attach the NEAR to stake")
    return safe_call(state.get("pool"), "deposit_and_stake", deposit=amount, then="on_staked",
                     then_args={"amount": str(amount)}, refund=amount, credit=STAKED)


@callback(args={"amount": AMOUNT})
def on_staked(result, amount):
    if result.ok:
        state.credit(STAKED, operation().caller, int(amount))  # expect: NS118
    return result.ok
