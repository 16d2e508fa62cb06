"""The callee of caller.py: a payable counter that can be made to fail."""

from near_sdk_py import Context, Log, Storage, call, view


@call
def add(by=1):
    n = int(Storage.get_string("n") or "0") + by
    Storage.set("n", str(n))
    Log.info("n=" + str(n) + " deposit=" + str(Context.attached_deposit()))
    return n


@call
def fail(reason="no"):
    Storage.set("n", "should be rolled back")
    raise Exception("target failed: " + reason)  # noqa: TRY002


@view
def get():
    return int(Storage.get_string("n") or "0")


@call
def emit(owner="alice.near"):
    Log.event("transfer", {"from": owner, "to": "bob.near", "amount": "5", "memo": None})
    Storage.set_json("config", {"owner": owner, "fee": 5, "paused": False, "admins": [owner]})
    return {"owner": owner, "ok": True, "fee": 5}
