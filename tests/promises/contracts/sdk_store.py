"""A plain near-sdk-py 1.0.0 contract (the callee of near-sdk-py's integration
callback_contract): its str results go out as raw UTF-8, not JSON."""

from near_sdk_py import Storage, call, view


@view
def get_value(key: str):
    return Storage.get_string(key) or "default_value"


@call
def set_value(key: str, value: str):
    Storage.set(key, value)
    return {"success": True, "key": key, "value": value}
