"""A staking pool stand-in: accepts NEAR from a vault, and can be switched to fail."""

import near

from near_safe import ACCOUNT, BOOL, call, require, state, view


@call(payable=True)
def deposit_and_stake():
    require(not state.get("failing", False), "staking pool is failing")
    state.credit("stake", near.predecessor_account_id(), near.attached_deposit())
    return True


@call(args={"failing": BOOL})
def set_failing(failing):
    state.set("failing", failing)


@view(args={"account_id": ACCOUNT})
def stake_of(account_id):
    return str(state.balance("stake", account_id))
