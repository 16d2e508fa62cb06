"""A batch function call carrying one yoctoNEAR (NEP-141 ft_transfer) with no callback."""
from near_sdk_py import ONE_TGAS, Context, Promise, call


class Forwarder:
    @call
    def send_tokens(self, receiver_id, amount):
        if Context.attached_deposit() != 1:
            raise Exception("attach 1 yoctoNEAR")
        Promise.create_batch("token.near").function_call(  # expect: NS102
            "ft_transfer", {"receiver_id": receiver_id, "amount": amount}, 1, 20 * ONE_TGAS)
