"""A staking pool stand-in that can be made to fail (tests of the safety layer)."""

import near

from near_safe import BOOL, INT, call, require, state, view


@call(payable=True)
def deposit_and_stake():
    require(not state.get("fail", False), "staking pool is failing")
    state.credit("stake", near.predecessor_account_id(), near.attached_deposit())
    return True


@call(args={"fail": BOOL})
def set_fail(fail):
    state.set("fail", fail)


@view(args={"n": INT})
def blob(n):
    return "x" * n


@view(args={"n": INT})
def number(n):
    return n


@call(payable=True, args={"n": INT})
def deposit_and_stake_loud(n):
    """Stakes, then returns n bytes: a callee whose result is large."""
    state.credit("stake", near.predecessor_account_id(), near.attached_deposit())
    return "x" * (n - 2)  # JSON-encoded: n bytes with the quotes
