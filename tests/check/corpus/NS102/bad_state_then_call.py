"""Records an order, then notifies another contract; if that fails the order stays."""
import json

import near
from near_sdk_py import Context, Storage, call

TGAS = 10**12


@call
def place_order(item):
    if Context.attached_deposit() != 0:
        near.panic_utf8("no deposit")
    buyer = Context.predecessor_account_id()
    Storage.set_json("order:" + buyer, {"item": item})
    near.promise_create("shop.near", "reserve", json.dumps({"item": item}), 0,  # expect: NS102
                        30 * TGAS)
