"""A DAO-style executor: members propose calls and the contract makes them as itself."""
import near

from near_safe import DICT, STR, call, callback, require, safe_call, state


@call(one_yocto=True, args={"method": STR, "args": DICT})
def execute(method, args):
    require(state.get("member:" + near.predecessor_account_id()) is not None, "members only")
    return safe_call(near.current_account_id(), method, args, then="on_executed")  # expect: NS115


@callback
def on_executed(result):
    state.set("last_result", result.ok)
