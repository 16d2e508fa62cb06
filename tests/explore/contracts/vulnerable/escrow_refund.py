"""VULNERABLE (issue 10, finding 1, escrow form): the buyer names the seller; on a failed sale
the callback refunds the buyer from the escrow's own balance.  A seller contract that accepts
the call, keeps the deposit and returns a failing promise makes the callback see a failure:
the buyer is refunded AND the seller kept the price.  Written by hand (raw promises) so it
stays vulnerable whatever near_safe does."""

import json

import near
from near_sdk_py import call

TGAS = 1000000000000


@call
def buy(seller, item):
    price = near.attached_deposit()
    if price == 0:
        near.panic_utf8("attach the price")
    buyer = near.predecessor_account_id()
    p = near.promise_create(seller, "sell", json.dumps({"item": item, "buyer": buyer}), price,
                            30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_sold",
                      json.dumps({"buyer": buyer, "price": str(price)}), 0, 30 * TGAS)


@call
def on_sold(buyer, price):
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    status, _ = near.promise_result(0)
    if status != 1:  # BUG: a failure may be a seller that kept the price
        p = near.promise_batch_create(buyer)
        near.promise_batch_action_transfer(p, int(price))
