"""Buys from a seller contract with the buyer's deposit; on failure the callback only logs."""
import json

import near
from near_sdk_py import Context, call
from near_sdk_py.promises import callback

TGAS = 10**12


class Market:
    @call
    def purchase(self, item_id):
        buyer = Context.predecessor_account_id()
        p = near.promise_create("seller.near", "sell",  # expect: NS105
                                json.dumps({"item_id": item_id, "buyer": buyer}),
                                Context.attached_deposit(), 50 * TGAS)
        near.promise_then(p, near.current_account_id(), "on_sold",
                          json.dumps({"buyer": buyer}), 0, 25 * TGAS)

    @callback
    def on_sold(self, result, buyer):
        if not result.success:
            near.log_utf8("purchase failed for " + buyer)
