"""Port patch 0001: near.promise_set_refund_to / near.refund_to_account_id."""
import near
from near_sdk_py import call

GAS = 5_000_000_000_000


@call
def send(target: str, to: str):
    """Send the attached deposit to ``target``.nope() with its refund redirected to ``to``."""
    p = near.promise_batch_create(target)
    near.promise_batch_action_function_call(p, "nope", "{}", near.attached_deposit(), GAS)
    near.promise_set_refund_to(p, to)
    near.value_return("sent")


@call
def call_self(to: str):
    """Call this contract's who() with the refunds of that receipt going to ``to``."""
    p = near.promise_batch_create(near.current_account_id())
    near.promise_batch_action_function_call(p, "who", "{}", 0, GAS)
    near.promise_set_refund_to(p, to)


@call
def who():
    near.log_utf8("refund_to=" + near.refund_to_account_id())
