"""Contract.assert_owner() without one-yocto, on a method that moves funds."""
from near_sdk_py import Contract, Promise, call


class Treasury(Contract):
    @call
    def pay(self, receiver_id, amount):  # expect: NS112
        self.assert_owner()
        Promise.create_batch(receiver_id).transfer(int(amount))
