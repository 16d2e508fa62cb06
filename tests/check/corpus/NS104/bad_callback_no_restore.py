"""Debits, calls, and the callback only logs the failure: nothing restores the balance."""
import json

import near
from near_sdk_py import Context, Log, Storage, call
from near_sdk_py.promises import callback

TGAS = 10**12


class Bridge:
    @call
    def bridge_out(self, amount):
        if Context.attached_deposit() != 0:
            near.panic_utf8("no deposit")
        user = Context.predecessor_account_id()
        have = int(Storage.get_string("b:" + user) or "0")
        Storage.set("b:" + user, str(have - int(amount)))  # expect: NS104
        p = near.promise_create("bridge.near", "lock", json.dumps({"amount": amount}), 0,
                                40 * TGAS)
        near.promise_then(p, near.current_account_id(), "on_bridged",
                          json.dumps({"user": user}), 0, 30 * TGAS)

    @callback
    def on_bridged(self, result, user):
        if not result.success:
            Log.warning("bridge failed for " + user)
