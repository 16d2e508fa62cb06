"""Each operation gets its own record, keyed by a fresh id passed to the callback."""
import json

import near
from near_sdk_py import Context, Storage, call
from near_sdk_py.promises import callback

TGAS = 10**12


class Swap:
    @call
    def swap(self, amount):
        if Context.attached_deposit() != 0:
            near.panic_utf8("no deposit")
        op = int(Storage.get_string("next_op") or "0")
        Storage.set("next_op", str(op + 1))
        Storage.set_json("pending:" + str(op), {"user": Context.predecessor_account_id()})
        p = near.promise_create("amm.near", "swap", json.dumps({"amount": amount}), 0, 50 * TGAS)
        near.promise_then(p, near.current_account_id(), "on_swap", json.dumps({"op": op}), 0,
                          30 * TGAS)

    @callback
    def on_swap(self, result, op):
        pending = Storage.get_json("pending:" + str(op))
        Storage.remove("pending:" + str(op))
        if result.success:
            Storage.set("out:" + pending["user"], json.dumps(result.data))
