"""A raw escrow: the buyer names the seller contract, the price goes with the call, and the
callback pays the price back on failure. A hostile seller accepts the call, keeps the price
and returns a failing promise: the 'refund' comes out of the other buyers' money."""
import json

import near

TGAS = 10**12


@near.export
def buy():
    args = json.loads(near.input())
    seller = args["seller"]
    buyer = near.predecessor_account_id()
    price = near.attached_deposit()
    if price == 0:
        near.panic_utf8("attach the price")
    p = near.promise_create(seller, "sell", json.dumps({"item": args["item"]}), price,  # expect: NS114
                            30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_sold",
                      json.dumps({"buyer": buyer, "price": str(price)}), 0, 20 * TGAS)


@near.export
def on_sold():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private")
    args = json.loads(near.input())
    status, _ = near.promise_result(0)
    if status != 1:
        p = near.promise_batch_create(args["buyer"])
        near.promise_batch_action_transfer(p, int(args["price"]))
