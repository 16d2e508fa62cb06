"""A batch helper whose method names come from a fixed table in the code: the caller picks an
entry, never a method name; the arguments are built by the contract."""
import near

from near_safe import LIST, TGAS, call, require, state

ACTIONS = {"register": "do_register", "rename": "do_rename"}
SETUP = ("do_register", "do_rename")


@call(args={"actions": LIST})
def batch(actions):
    user = near.predecessor_account_id()
    p = near.promise_batch_create(near.current_account_id())
    for a in actions:
        method = ACTIONS.get(a.get("kind"))
        require(method is not None, "unknown action")
        near.promise_batch_action_function_call(p, method, '{"user": "' + user + '"}', 0,
                                                10 * TGAS)
    return p


@call(one_yocto=True)
def setup():
    require(near.predecessor_account_id() == state.get("owner"), "owner only")
    p = near.promise_batch_create(near.current_account_id())
    for step in SETUP:
        near.promise_batch_action_function_call(p, step, "{}", 0, 10 * TGAS)
    return p


@call(private=True)
def do_register():
    state.set("registered", True)


@call(private=True)
def do_rename():
    state.set("renamed", True)
