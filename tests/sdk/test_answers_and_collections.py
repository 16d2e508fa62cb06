"""Item 4 and item 6 of issue 14, Wasm and CPython mode.

* What a near_safe callback's ``result.value`` is for each kind of answer of a near-sdk-py 1.0.0
  callee (tests/sdk/contracts/sdk_callee.py, unchanged near-sdk-py): its str results leave as
  raw UTF-8 and come back as that str, not None.
* near-sdk-py collections in a callback body: their writes are dropped with the body's own when
  it raises, kept when it returns, and reads inside the body see them.
"""

import pytest

from near_safe.testing import TGAS

GAS = 100 * TGAS


@pytest.mark.parametrize("method, kind, value", [
    ("text", "str", "hello world"),              # raw UTF-8
    ("unicode_text", "str", "caf\u00e9 \u20ac"),  # raw UTF-8, not ASCII
    ("numeric_text", "int", 42),                 # raw "42" is also JSON: near-sdk-py's ambiguity
    ("number", "int", 42),                       # JSON
    ("nothing", "NoneType", None),               # empty
    ("blob", "bytes", "ff00fe"),                 # not UTF-8: the bytes (hex here)
])
def test_result_value_of_a_near_sdk_py_callee(world, method, kind, value):
    out = world.alice.call(world.asker, "ask", {"callee": "callee.near", "method": method},
                           gas=GAS)
    assert out.error is None, out.logs
    assert out.value == {"ok": True, "kind": kind, "value": value}


def test_json_objects_still_decode(world):
    out = world.alice.call(world.asker, "ask", {"callee": "callee.near", "method": "record"},
                           gas=GAS)
    assert out.value["ok"] is True and out.value["value"] == {"a": [1, 2]}


def test_collection_writes_of_a_returning_callback_body_are_kept(world):
    out = world.alice.call(world.shelf, "store",
                           {"callee": "callee.near", "name": "a", "fail": False}, gas=GAS)
    assert out.error is None and out.value == [True, 1, "hello world"]
    assert world.rt.view(world.shelf, "get", {"name": "a"}) == [
        "hello world", 1, [True, 1, "hello world"]]


def test_collection_writes_of_a_raising_callback_body_are_dropped(world):
    world.alice.call(world.shelf, "put", {"name": "kept"}).unwrap()
    before = world.storage(world.shelf)
    out = world.alice.call(world.shelf, "store",
                           {"callee": "callee.near", "name": "b", "fail": True}, gas=GAS)
    assert out.status == "success"
    assert out.logs == ["Method on_stored: callback body raised ContractError: body failed "
                        "after writing; its writes were discarded"]
    # the LookupMap entry, the Vector's element and length, and self.storage: all dropped
    assert world.storage(world.shelf) == before
    assert world.rt.view(world.shelf, "get", {"name": "b"}) == [None, 1, None]
    assert world.rt.view(world.shelf, "get", {"name": "kept"}) == ["direct", 1, None]
