"""Cross-contract calls with a callback, written on the raw `near` module: forwards the
attached deposit to ``target.method``, and refunds it from the callback if that call failed."""

import json

import near

TGAS = 10**12


@near.export
def forward():
    args = json.loads(near.input())
    deposit = near.attached_deposit()
    p = near.promise_create(args["target"], args["method"], json.dumps(args.get("args", {})),
                            deposit, 20 * TGAS)
    cb_args = json.dumps({"sender": near.predecessor_account_id(), "amount": str(deposit)})
    then = near.promise_then(p, near.current_account_id(), "on_done", cb_args, 0, 20 * TGAS)
    near.storage_write("in_flight", cb_args)
    near.promise_return(then)


@near.export
def on_done():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("on_done is private")
    args = json.loads(near.input())
    status, data = near.promise_result(0)
    near.log_utf8("status " + str(status) + " data " + repr(data))
    near.storage_remove("in_flight")
    if status != 1 and int(args["amount"]) > 0:
        refund = near.promise_batch_create(args["sender"])
        near.promise_batch_action_transfer(refund, int(args["amount"]))
        near.log_utf8("refunded " + args["amount"])
    # a list, not a dict: MicroPython's dict order is not insertion order (see the tests)
    near.value_return(json.dumps([status, None if data is None else data.decode()]))
