"""Item 4 and item 6 of issue 14, Wasm and CPython mode.

* What a near_safe callback's ``result.value`` is for each kind of answer of a near-sdk-py 1.0.0
  callee (tests/sdk/contracts/sdk_callee.py, unchanged near-sdk-py): its str results leave as
  raw UTF-8 and come back as that str, not None.
* near-sdk-py collections in a callback body: their writes are dropped with the body's own when
  it raises, kept when it returns, and reads inside the body see them.
"""

from pathlib import Path

import pytest

from near_safe.builder._analyze import plan_build
from near_safe.testing import TGAS

CONTRACTS = Path(__file__).parent / "contracts"

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



@pytest.mark.parametrize("method, expected", [
    ("text", {"ok": True, "error": None, "value": "hello world"}),        # raw UTF-8 text
    ("unicode_text", {"ok": True, "error": None, "value": "caf\u00e9 \u20ac"}),
    ("blob", {"ok": False, "error": "result is not JSON", "value": None}),  # not text at all
    ("number", {"ok": False, "error": "result has the wrong kind", "value": None}),  # JSON int
])
def test_a_str_kind_callback_takes_a_near_sdk_py_str(world, method, expected):
    """@callback(result=STR): near-sdk-py's str (raw UTF-8, not JSON) is the str it returned;
    bytes that are not UTF-8, and JSON of another kind, are still refused."""
    out = world.alice.call(world.asker, "ask_str", {"callee": "callee.near", "method": method},
                           gas=GAS)
    assert out.error is None, out.logs
    assert out.value == expected

UTF8 = [
    "caf\u00e9".encode(), "\U0001F600 ok".encode(), "\u20ac\n\t\"x\\".encode(),
    b"\xc0\xaf",          # overlong '/'
    b"\xe0\x80\xaf",      # overlong, 3 bytes
    b"\xed\xa0\x80",      # an encoded surrogate
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"ab\xc3",            # cut short
    b"\xc3\x28",          # bad continuation
    b"\xf8\x88\x80\x80\x80",  # 5-byte form
]


@pytest.mark.parametrize("raw", UTF8, ids=[f"utf8-{i}" for i in range(len(UTF8))])
def test_text_answers_are_decoded_only_when_cpython_decodes_them(world, raw):
    """contract/_text.py checks UTF-8 as CPython does before decoding (MicroPython's decode
    would raise, and a builtin's exception must not be caught): text, else the bytes."""
    world.alice.call(world.answerer, "set_answer", {"hex": raw.hex()}).unwrap()
    out = world.alice.call(world.asker, "ask", {"callee": "answerer.near", "method": "answer"},
                           gas=GAS)
    assert out.error is None, out.logs
    try:
        expected = {"ok": True, "kind": "str", "value": raw.decode()}
    except UnicodeDecodeError:
        expected = {"ok": True, "kind": "bytes", "value": raw.hex()}
    assert out.value == expected


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
    assert out.logs == [("Method on_stored: callback body raised ContractError: body failed "
                         "after writing; its writes were discarded")]
    # the LookupMap entry, the Vector's element and length, and self.storage: all dropped
    assert world.storage(world.shelf) == before
    assert world.rt.view(world.shelf, "get", {"name": "b"}) == [None, 1, None]
    assert world.rt.view(world.shelf, "get", {"name": "kept"}) == ["direct", 1, None]


@pytest.mark.parametrize("fail", [False, True])
def test_collections_in_a_function_style_contract(world, fail):
    c = world.shelf_functions
    # the LookupMap's metadata key is written when the module first runs, outside any method
    # (near-sdk-py's behaviour, docs/classes.md): a first call writes it
    world.alice.call(c, "store", {"callee": "callee.near", "name": "warm", "fail": False},
                     gas=GAS).unwrap()
    before = world.storage(c)
    out = world.alice.call(c, "store", {"callee": "callee.near", "name": "a", "fail": fail},
                           gas=GAS)
    assert out.status == "success", (out.error, out.logs)
    if fail:
        assert "its writes were discarded" in out.logs[0]
        assert world.storage(c) == before
        assert world.rt.view(c, "get", {"name": "a"}) is None
    else:
        assert out.value == "hello world"
        assert world.rt.view(c, "get", {"name": "a"}) == "hello world"


def test_the_class_surface_is_frozen_only_where_it_can_be_loaded():
    """Each frozen byte costs every call its loading gas: the builder freezes the class surface
    (contract/_sdk.py, _sdk_extra.py) into contracts that use its names and the collections
    router (_route.py) into contracts that freeze near-sdk-py, not into the rest."""
    files = {name: plan_build(CONTRACTS / name).near_safe_files
             for name in ("plain.py", "greeter.py", "shelf_functions.py")}
    on_demand = {"contract/_sdk.py", "contract/_sdk_extra.py", "contract/_route.py"}
    assert on_demand.isdisjoint(files["plain.py"])
    assert "contract/_state.py" in files["plain.py"] and "contract/_xcc.py" in files["plain.py"]
    assert on_demand & set(files["greeter.py"]) == {"contract/_sdk.py", "contract/_sdk_extra.py"}
    assert on_demand & set(files["shelf_functions.py"]) == {"contract/_route.py"}
