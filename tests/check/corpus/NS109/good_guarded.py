"""Failures are handled without aborting: try/except around the parsing, no raise."""
import json

import near
from near_sdk_py import Log, Storage, call


@call
def on_done():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private")
    status, data = near.promise_result(0)
    try:
        value = json.loads(data)
        if not isinstance(value, dict):
            raise ValueError("not an object")
    except Exception as exc:
        Log.warning("bad result: " + str(exc))
        value = None
    Storage.set_json("data", value)
