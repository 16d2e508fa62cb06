"""Withdraw to the caller itself: a transfer to the predecessor cannot meet a missing account."""
import near
from near_sdk_py import Context, Storage, call


@call
def withdraw(amount):
    if Context.attached_deposit() != 1:
        near.panic_utf8("attach 1 yoctoNEAR")
    user = Context.predecessor_account_id()
    have = int(Storage.get_string("bal:" + user) or "0")
    Storage.set("bal:" + user, str(have - int(amount)))
    p = near.promise_batch_create(user)
    near.promise_batch_action_transfer(p, int(amount))
