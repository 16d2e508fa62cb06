"""A real nearc-compiled near-sdk-py contract (tests/vm/contracts/hello.py) in the VM: values,
state, views, and the gas split of a trivial method (docs/gas-model.md)."""

import json
from pathlib import Path

import pytest
from vmhelpers import C, Ext, context, host_gas, loading_fee

from near_safe.testing.params import DEFAULT_CONFIG, TGAS
from near_safe.testing.vm import ContractCode, run
from near_safe.testing.vm._gas_report import measure

HELLO = Path(__file__).parent / "contracts" / "hello.py"


@pytest.fixture(scope="module")
def hello():
    from near_safe.builder import build_contract
    return ContractCode(build_contract(str(HELLO)).read_bytes())


def call(code, method, args, storage=None, **kw):
    ctx = context(input=json.dumps(args).encode(), **kw)
    return run(code, method, ctx, {} if storage is None else storage, Ext(), DEFAULT_CONFIG)


def test_call_returns_the_string(hello):
    out = call(hello, "greet", {"name": "world"})
    assert out.aborted is None
    assert out.return_data == ("value", b"Hello, world!")


def test_state_written_by_a_call_is_read_by_a_view(hello):
    out = call(hello, "remember", {"name": "ada"})
    assert out.aborted is None and out.storage == {b"name": b"ada"}
    assert out.storage_usage == 500 + len(b"name") + len(b"ada") + 40
    view = call(hello, "recall", {}, storage=out.storage, is_view=True)
    assert view.aborted is None and view.return_data == ("value", b"ada")
    # a view cannot write: near-sdk-py's Storage.set aborts with ProhibitedInView
    bad = call(hello, "remember", {"name": "x"}, is_view=True)
    assert bad.aborted.detail == "ProhibitedInView"


def test_each_call_starts_from_a_fresh_instance(hello):
    # MicroPython module state must not leak between calls (NEAR instantiates per call)
    a = call(hello, "greet", {"name": "a"})
    b = call(hello, "greet", {"name": "a"})
    assert a.burnt_gas == b.burnt_gas and a.return_data == b.return_data


def test_out_of_gas_in_a_real_contract_burns_all(hello):
    out = call(hello, "greet", {"name": "world"}, prepaid_gas=1 * TGAS)
    assert out.aborted.kind == "GasExceeded" and out.burnt_gas == 1 * TGAS


def test_gas_split_of_a_trivial_method(hello):
    out = call(hello, "greet", {"name": "world"})
    assert out.profile["contract_loading"] == loading_fee(hello)  # TV26
    assert out.burnt_gas == (out.profile["contract_loading"] + out.profile["wasm_ops"]
                             + host_gas(out))
    m = measure(hello.code, "greet", json.dumps({"name": "world"}).encode())
    assert m["vm_burnt"] == out.burnt_gas
    assert m["ops"] * C["regular_op_cost"] == m["wasm_ops"]
    assert m["receipt"] == m["exec_fees"] + m["vm_burnt"]
