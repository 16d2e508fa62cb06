"""A near-sdk-py relay: one public method chains the contract's own callback with the
caller's argument blob (meant for the contract's own UI)."""
import json

import near
from near_sdk_py import ONE_TGAS, Context, Storage, call
from near_sdk_py.promises import callback


class Relay:
    @call
    def relay(self, receiver_id, payload):
        if Context.attached_deposit():
            raise Exception("no deposit")
        p = near.promise_create(receiver_id, "ping", "{}", 0, 20 * ONE_TGAS)
        near.promise_then(p, near.current_account_id(), "on_ping", json.dumps(payload),  # expect: NS115
                          0, 20 * ONE_TGAS)

    @callback
    def on_ping(self, result, user, amount):
        if result.success:
            Storage.set("credit:" + user, str(amount))
