"""Privileged methods require exactly one yoctoNEAR."""
import near
from near_sdk_py import Context, Contract, Promise, Storage, call

from near_safe import ACCOUNT, INT
from near_safe import call as safe_call_method  # noqa: F401  (not used as a decorator)


class Config:
    @call
    def set_fee(self, fee):
        if Context.attached_deposit() != 1:
            near.panic_utf8("attach 1 yoctoNEAR")
        if Context.predecessor_account_id() != Storage.get_string("owner"):
            near.panic_utf8("owner only")
        Storage.set("fee", str(fee))


class Treasury(Contract):
    @call
    def pay(self, receiver_id, amount):
        self.assert_one_yocto()
        self.assert_owner()
        Promise.create_batch(receiver_id).transfer(int(amount))
