"""The class style: ``class Greeter(Contract)`` with near-sdk-py 1.0.0's names (self.storage,
context properties, logging, log_event, assert_one_yocto) and near_safe's checks (deposits
refused unless payable, init once, strict input, views that cannot write), in a compiled
contract (Wasm mode) and in CPython mode."""

import json
from pathlib import Path

import pytest

import near_safe
from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = Path(__file__).parent / "contracts"


def test_storage_logging_and_results(world):
    out = world.alice.call(world.greeter, "set_greeting", {"message": "hi there"})
    assert out.error is None
    assert out.value == "Greeting updated to: hi there"
    assert out.logs == ["INFO: Setting greeting to hi there"]
    assert world.rt.view(world.greeter, "get_greeting") == "hi there"
    assert world.rt.view(world.greeter, "read", {"key": "greeting"}) == [True, "hi there"]
    assert world.rt.view(world.greeter, "read", {"key": "nothing"}) == [False, None]


def test_default_of_a_missing_key(world):
    assert world.rt.view(world.greeter, "get_greeting") == "Hello, NEAR world!"


def test_context_properties_are_the_calls(world):
    gas = 77 * TGAS
    ctx = world.bob.call(world.greeter, "context", gas=gas).value
    assert ctx["current"] == "greeter.near"
    assert ctx["predecessor"] == ctx["signer"] == "bob.near"
    assert ctx["deposit"] == "0" and ctx["prepaid"] == gas and ctx["used_positive"] is True
    assert ctx["height"] > 0 and ctx["timestamp"] > 0 and ctx["epoch"] >= 0
    account = world.rt.account(world.greeter)
    assert int(ctx["locked"]) == account.locked
    assert ctx["usage"] == account.storage_usage
    # the balance the call saw: today's, less nothing (a view-like call moves no NEAR) but
    # plus the part of the call's gas reward that landed before the view below
    assert int(ctx["balance"]) <= world.rt.balance(world.greeter)


def test_payable_method_takes_the_deposit_and_logs_an_event(world):
    out = world.bob.call(world.greeter, "tip", deposit=NEAR)
    assert out.error is None and out.value == str(NEAR)
    [line] = out.logs
    assert line.startswith("EVENT_JSON:")
    assert json.loads(line[len("EVENT_JSON:"):]) == {
        "standard": "nep171", "version": "1.0.0", "event": "tip",
        "data": {"from": "bob.near", "total": str(NEAR)}}


def test_deposit_to_a_method_that_is_not_payable_is_refused(world):
    before = world.storage(world.greeter)
    balance = world.rt.balance(world.bob)
    out = world.bob.call(world.greeter, "set_greeting", {"message": "x"}, deposit=NEAR)
    assert out.error == "Smart contract panicked: Method set_greeting doesn't accept deposit"
    assert world.storage(world.greeter) == before
    assert world.rt.balance(world.bob) == balance - out.tokens_burnt  # the deposit came back


@pytest.mark.parametrize("method, deposit", [("get_greeting", 1), ("context", NEAR)])
def test_deposit_to_a_view_is_refused(world, method, deposit):
    out = world.bob.call(world.greeter, method, deposit=deposit)
    assert out.error == f"Smart contract panicked: Method {method} doesn't accept deposit"


def test_second_init_is_refused(world):
    before = world.storage(world.greeter)
    out = world.bob.call(world.greeter, "new", {"owner": "bob.near"})
    assert out.error == "Smart contract panicked: Method new: contract is already initialized"
    assert world.storage(world.greeter) == before


@pytest.mark.parametrize("raw, message", [
    (b'{"message": "x",}', "Method set_greeting: invalid JSON input"),
    (b'{"message" "x"}', "Method set_greeting: invalid JSON input"),
    (b'["x"]', "Method set_greeting: arguments must be a JSON object"),
    (b'{"message": 5}', "Method set_greeting: argument 'message' must be a string"),
    (b'{"message": "x", "admin": true}', "Method set_greeting: unknown argument 'admin'"),
    (b"{}", "Method set_greeting: missing argument 'message'"),
])
def test_bad_input_is_refused_before_the_body(world, raw, message):
    """near-sdk-py logs malformed input and runs the method with default arguments."""
    before = world.storage(world.greeter)
    out = world.bob.call(world.greeter, "set_greeting", raw)
    assert out.error == "Smart contract panicked: " + message
    assert out.logs == [] and world.storage(world.greeter) == before


def test_a_view_cannot_write(world):
    """near-sdk-py's @view is its @call: called in a transaction it writes."""
    before = world.storage(world.greeter)
    out = world.bob.call(world.greeter, "write_in_view")
    assert out.error == ("Smart contract panicked: Method write_in_view is a view: it cannot "
                         "write state")
    assert world.storage(world.greeter) == before


@pytest.mark.parametrize("key", ["_ns:claim:bob.near", "_ns:init", "_ns:op:1"])
def test_near_safes_own_records_cannot_be_written_through_storage(world, key):
    """A ported contract storing caller-chosen keys must not let a caller forge a claimable
    refund (``_ns:claim:<account>``), an in-flight record or the init mark."""
    before = world.storage(world.greeter)
    out = world.bob.call(world.greeter, "put", {"key": key, "value": "1000"})
    assert out.error == ("Smart contract panicked: Method put: storage key " + key
                         + " is reserved by near_safe")
    assert world.storage(world.greeter) == before


def test_one_yocto_and_owner_checks(world):
    world.alice.call(world.greeter, "set_greeting", {"message": "hi"}).unwrap()
    out = world.alice.call(world.greeter, "secure")
    assert out.error == ("Smart contract panicked: Method secure requires attached deposit of "
                         "exactly 1 yoctoNEAR")
    out = world.bob.call(world.greeter, "secure", deposit=1)
    # as near-sdk-py's wrapper panics: the class, then the message
    assert out.error == "Smart contract panicked: AccessDenied: Only the owner can perform this action"
    assert world.rt.view(world.greeter, "get_greeting") == "hi"
    out = world.alice.call(world.greeter, "secure", deposit=1)
    assert out.error is None and out.value == "secured"
    assert world.rt.view(world.greeter, "get_greeting") == "Hello, NEAR world!"


def test_near_sdk_py_static_helpers(world):
    out = world.bob.call(world.greeter, "legacy", {"key": "k", "value": "plain text"})
    assert out.error is None
    assert out.value == ["plain text", True, 10**24]
    assert out.logs == ["INFO: stored k", ('EVENT_JSON:{"standard": "nep297", "version": '
                                           '"1.0.0", "event": "stored", "data": {"key": "k"}}')]
    assert world.storage(world.greeter)[b"k"] == b"plain text"
    out = world.bob.call(world.greeter, "legacy", {"key": "_ns:seq", "value": "9"})
    assert out.error == ("Smart contract panicked: Method legacy: storage key _ns:seq is "
                         "reserved by near_safe")


def test_a_callback_cannot_be_called_directly(world):
    out = world.bob.call(world.asker, "on_answer", {})
    assert out.error == "Smart contract panicked: Method on_answer is private"
    out = world.asker.call(world.asker, "on_answer", {})
    assert out.error == "Smart contract panicked: Method on_answer can only be called as a callback"


def test_the_class_surface_is_loaded_only_by_class_contracts():
    """In the Wasm (the modules MicroPython really imported): a function-style contract never
    imports contract/_sdk.py; ``from near_safe import Contract`` does, and not near_sdk_py."""
    rt = Runtime(mode="wasm")
    plain = rt.deploy("plain.near", CONTRACTS / "plain.py")
    greeter = rt.deploy("greeter.near", CONTRACTS / "greeter.py")
    assert rt.view(plain, "loaded") == ["near_safe", "near_safe.contract",
                                        "near_safe.contract._state"]
    loaded = rt.view(greeter, "loaded")
    assert "near_safe.contract._sdk" in loaded
    assert not [m for m in loaded if m.startswith("near_sdk_py")]  # 2.5 Tgas a call if it did


def test_the_package_exports_the_class_surface():
    names = {}
    exec("from near_safe import *", names)
    for name in ("Contract", "Storage", "Log", "StorageError", "AccessDenied", "InvalidInput",
                 "ContractPanic", "ONE_NEAR", "ONE_TGAS", "call", "view", "init", "callback",
                 "multi_callback", "Context", "LookupMap", "UnorderedMap", "Vector", "TreeMap"):
        assert names[name] is getattr(near_safe, name)
    assert issubclass(names["StorageError"], near_safe.ContractError)
    with pytest.raises(AttributeError, match="has no attribute 'Contrakt'"):
        near_safe.Contrakt  # noqa: B018
