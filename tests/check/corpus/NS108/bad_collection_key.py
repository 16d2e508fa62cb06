"""The in-flight record lives in a LookupMap under a constant key."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, call
from near_sdk_py.collections import LookupMap
from near_sdk_py.promises import callback

INFLIGHT = "inflight"


class Escrow:
    def __init__(self):
        self.state = LookupMap("s")

    @call
    def release(self, deal_id):
        if Context.attached_deposit() != 0:
            raise Exception("no deposit")
        self.state[INFLIGHT] = deal_id  # expect: NS108
        return CrossContract("notary.near", gas=20 * ONE_TGAS).call(
            "confirm", deal_id=deal_id).gas(30 * ONE_TGAS).then("on_confirm").value()

    @callback
    def on_confirm(self, result):
        deal_id = self.state[INFLIGHT]
        if result.success:
            self.state["done:" + deal_id] = "1"
