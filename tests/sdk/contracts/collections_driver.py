"""near_safe's collections (ns) beside near-sdk-py 1.0.0's (sdk) in one contract: the same
operation on either, on any prefix of the same account (tests/sdk/test_collections.py)."""

import near
from near_sdk_py import collections as sdk

from near_safe import (
    TGAS,
    IterableMap,
    IterableSet,
    LookupMap,
    LookupSet,
    TreeMap,
    UnorderedMap,
    UnorderedSet,
    Vector,
    call,
    callback,
    require,
    safe_call,
    view,
)

KINDS = {
    "ns": {"Vector": Vector, "LookupMap": LookupMap, "UnorderedMap": UnorderedMap,
           "LookupSet": LookupSet, "UnorderedSet": UnorderedSet, "TreeMap": TreeMap,
           "IterableMap": IterableMap, "IterableSet": IterableSet},
    "sdk": {"Vector": sdk.Vector, "LookupMap": sdk.LookupMap, "UnorderedMap": sdk.UnorderedMap,
            "LookupSet": sdk.LookupSet, "UnorderedSet": sdk.UnorderedSet,
            "TreeMap": sdk.TreeMap, "IterableMap": sdk.IterableMap,
            "IterableSet": sdk.IterableSet},
}

LISTED = ("keys", "values", "items", "seek", "range")


def _apply(c, op, args):
    if op == "getitem":
        return c[args[0]]
    if op == "setitem":
        c[args[0]] = args[1]
        return None
    if op == "delitem":
        del c[args[0]]
        return None
    if op == "contains":
        return args[0] in c
    if op == "len":
        return len(c)
    if op == "slice":
        return c[args[0]:args[1]:args[2]]
    if op == "setinf":  # JSON cannot carry inf: made here
        c[args[0]] = [float("inf")]
        return None
    if op == "iter":
        return [x for x in c]
    r = getattr(c, op)(*args)
    return list(r) if op in LISTED else r


@call
def op(impl: str, kind: str, prefix: str, op: str, args: list):
    return _apply(KINDS[impl][kind](prefix), op, args)


@call
def ops(impl: str, kind: str, prefix: str, steps: list):
    """Several operations in one call (one collection object); the results in order."""
    c = KINDS[impl][kind](prefix)
    return [_apply(c, s[0], s[1:]) for s in steps]


@view
def peek(kind: str, prefix: str, op: str, args: list):
    """A read through near_safe's collection inside a view."""
    return _apply(KINDS["ns"][kind](prefix), op, args)


@call
def ping():
    return 1


@call
def in_callback(kind: str, prefix: str, steps: list, fail: bool):
    return safe_call(near.current_account_id(), "ping", then="apply_then",
                     then_args={"kind": kind, "prefix": prefix, "steps": steps, "fail": fail},
                     callback_gas=60 * TGAS)  # this contract also loads near-sdk-py


@callback
def apply_then(result, kind: str, prefix: str, steps: list, fail: bool):
    c = KINDS["ns"][kind](prefix)
    out = [_apply(c, s[0], s[1:]) for s in steps]
    require(not fail, "body failed after writing")
    return out


@view
def count(kind: str, prefix: str):
    """Walk a collection through its iterator, keeping nothing."""
    n = 0
    for _ in KINDS["ns"][kind](prefix):
        n += 1
    return n


@call
def defined():
    import sys

    names = sys.modules["near_safe.contract._collections"].__dict__
    return sorted(n for n in ("UnorderedMap", "IterableMap", "UnorderedSet", "IterableSet",
                              "TreeMap") if n in names)
