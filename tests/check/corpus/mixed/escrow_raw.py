"""An escrow written against the raw `near` module (module-level exports)."""
import json

import near


@near.export
def new():  # expect: NS111
    args = json.loads(near.input(0))
    near.storage_write("arbiter", args["arbiter"])


@near.export
def create_deal():
    args = json.loads(near.input(0))
    amount = near.attached_deposit()
    if amount == 0:
        near.panic_utf8("attach the payment")
    deal = {"buyer": near.predecessor_account_id(), "seller": args["seller"],
            "amount": str(amount)}
    near.storage_write("deal:" + args["deal_id"], json.dumps(deal))


@near.export
def release():  # expect: NS107, NS112
    args = json.loads(near.input(0))
    deal = json.loads(near.storage_read("deal:" + args["deal_id"]))
    if near.predecessor_account_id() != deal["buyer"]:
        near.panic_utf8("buyer only")
    near.storage_remove("deal:" + args["deal_id"])  # expect: NS104
    p = near.promise_batch_create(deal["seller"])
    near.promise_batch_action_transfer(p, int(deal["amount"]))


@near.export
def refund_buyer():  # expect: NS107, NS112
    args = json.loads(near.input(0))
    if near.predecessor_account_id() != near.storage_read("arbiter").decode():
        near.panic_utf8("arbiter only")
    deal = json.loads(near.storage_read("deal:" + args["deal_id"]))
    near.storage_remove("deal:" + args["deal_id"])  # expect: NS104
    p = near.promise_batch_create(deal["buyer"])
    near.promise_batch_action_transfer(p, int(deal["amount"]))


@near.export
def get_deal():
    args = json.loads(near.input(0))
    near.value_return(near.storage_read("deal:" + args["deal_id"]) or b"null")
