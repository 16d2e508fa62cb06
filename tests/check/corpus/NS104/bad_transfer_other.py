"""Pays a balance out to another account: if that account does not exist the NEAR comes back
to the contract and the balance is gone."""
import near
from near_sdk_py import Context, Promise, Storage, call


def _balance(account):
    return int(Storage.get_string("bal:" + account) or "0")


def _set_balance(account, value):
    Storage.set("bal:" + account, str(value))


@call
def pay_out(receiver_id, amount):
    if Context.attached_deposit() != 1:
        near.panic_utf8("attach 1 yoctoNEAR")
    user = Context.predecessor_account_id()
    amount = int(amount)
    _set_balance(user, _balance(user) - amount)  # expect: NS104
    Promise.create_batch(receiver_id).transfer(amount)
