"""One 'pending' record for every swap in flight: the second swap overwrites the first."""
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
        user = Context.predecessor_account_id()
        Storage.set_json("pending", {"user": user, "amount": amount})  # expect: NS108
        p = near.promise_create("amm.near", "swap", json.dumps({"amount": amount}), 0, 50 * TGAS)
        near.promise_then(p, near.current_account_id(), "on_swap", "{}", 0, 30 * TGAS)

    @callback
    def on_swap(self, result):
        pending = Storage.get_json("pending")
        Storage.remove("pending")
        if result.success:
            Storage.set("out:" + pending["user"], json.dumps(result.data))
