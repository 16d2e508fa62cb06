"""The buyer's deposit goes back when the seller fails."""
import json

import near
from near_sdk_py import Context, call
from near_sdk_py.promises import callback

TGAS = 10**12


class Market:
    @call
    def purchase(self, item_id):
        buyer = Context.predecessor_account_id()
        price = Context.attached_deposit()
        p = near.promise_create("seller.near", "sell", json.dumps({"item_id": item_id}),
                                price, 50 * TGAS)
        near.promise_then(p, near.current_account_id(), "on_sold",
                          json.dumps({"buyer": buyer, "price": str(price)}), 0, 25 * TGAS)

    @callback
    def on_sold(self, result, buyer, price):
        if not result.success:
            refund = near.promise_batch_create(buyer)
            near.promise_batch_action_transfer(refund, int(price))
