"""A batch helper done safely: each action maps to one fixed method with arguments the
contract builds field by field; nothing the caller sends names a method."""
import near

from near_safe import LIST, TGAS, call, require, state

ACTIONS = {"register": "do_register", "rename": "do_rename"}


@call(args={"actions": LIST})
def batch(actions):
    user = near.predecessor_account_id()
    p = near.promise_batch_create(near.current_account_id())
    for a in actions:
        require(a.get("kind") == "register" or a.get("kind") == "rename", "unknown action")
        if a["kind"] == "register":
            near.promise_batch_action_function_call(p, "do_register", '{"user": "' + user + '"}',
                                                    0, 10 * TGAS)
        else:
            near.promise_batch_action_function_call(p, "do_rename", '{"user": "' + user + '"}',
                                                    0, 10 * TGAS)
    return p


@call(private=True)
def do_register():
    state.set("registered", True)


@call(private=True)
def do_rename():
    state.set("renamed", True)
