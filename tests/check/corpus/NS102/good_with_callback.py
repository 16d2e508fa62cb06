"""Records an order and notifies the shop; a private callback undoes the order on failure."""
import json

import near
from near_sdk_py import Context, Storage, call
from near_sdk_py.promises import callback

TGAS = 10**12


class Shop:
    @call
    def place_order(self, item):
        if Context.attached_deposit() != 0:
            near.panic_utf8("no deposit")
        buyer = Context.predecessor_account_id()
        Storage.set_json("order:" + buyer, {"item": item})
        p = near.promise_create("shop.near", "reserve", json.dumps({"item": item}), 0, 30 * TGAS)
        near.promise_then(p, near.current_account_id(), "on_reserved",
                          json.dumps({"buyer": buyer}), 0, 30 * TGAS)

    @callback
    def on_reserved(self, result, buyer):
        if not result.success:
            Storage.remove("order:" + buyer)
