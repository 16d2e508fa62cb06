"""A staking vault that treats a pool answering `false` as a failed stake. The pool has the
deposit by then: set_ok(False) pays the 'refund' out of the vault's other deposits."""
import near

from near_safe import call, callback, operation, require, safe_call, state

STAKED = "staked"


@call(payable=True)
def stake():
    amount = near.attached_deposit()
    require(amount > 0, "attach the NEAR to stake")
    return safe_call(state.get("pool"), "deposit_and_stake", deposit=amount,  # expect: NS114
                     then="on_staked", refund=amount, credit=STAKED)


@callback
def on_staked(result):
    if result.ok and result.value is False:
        operation().set_ok(False)
    return result.ok
