"""near-sdk-py collections in a function-style near_safe contract (the builder freezes the
collections router, contract/_sdk.py, because near_sdk_py is frozen)."""

from near_sdk_py.collections import LookupMap

from near_safe import ACCOUNT, BOOL, STR, call, callback, require, safe_call, view

names = LookupMap("names")


@call(args={"callee": ACCOUNT, "name": STR, "fail": BOOL})
def store(callee, name, fail):
    return safe_call(callee, "text", then="on_stored", then_args={"name": name, "fail": fail})


@callback(args={"name": STR, "fail": BOOL})
def on_stored(result, name, fail):
    names[name] = result.value
    require(not fail, "body failed after writing")
    return names[name]


@view(args={"name": STR})
def get(name):
    return names.get(name)
