"""assert and near.panic_utf8 in a raw callback (after its private check)."""
import near
from near_sdk_py import Storage, call


@call
def on_done():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private")
    status, data = near.promise_result(0)
    assert status == 1, "call failed"  # expect: NS109
    if len(data) > 1000:
        near.panic_utf8("too large")  # expect: NS109
    Storage.set("data", data)
