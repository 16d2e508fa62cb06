"""An amount passed to another contract's JSON arguments as a number (Rust wants U128 strings)."""
from near_sdk_py import ONE_NEAR, ONE_TGAS, Context, CrossContract, call
from near_sdk_py.promises import callback


class Payer:
    @call
    def tip(self, receiver_id):
        if Context.attached_deposit() != 0:
            raise Exception("no deposit")
        CrossContract("wrap.near", gas=30 * ONE_TGAS, deposit=1).call(
            "ft_transfer", receiver_id=receiver_id, amount=2 * ONE_NEAR).gas(  # expect: NS113
            30 * ONE_TGAS).then("on_tip")

    @callback
    def on_tip(self, result):
        return result.success
