"""near-sdk-py's promise builders cost only the contracts and calls that build a chain (issue 14):
their classes live in contract/_builders.py, frozen only into a contract that names
CrossContract, Promise or PromiseBatch and loaded only when a chain is built; safe_call's module
(contract/_promise.py) defines none of them.  Gas figures are in bench/bench_promises.py and
bench/bench_classes.py; these tests check the structure that gives them.

Loading is observed in the Wasm, where every call starts a fresh instance (in CPython mode
sys.modules is the test process's); the flows themselves run in both modes in the other tests
of this folder."""

from pathlib import Path

import pytest

from near_safe.builder import _analyze
from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
BUILDERS = "near_safe.contract._builders"
PROMISE = "near_safe.contract._promise"
XCC = "near_safe.contract._xcc"


def test_safe_calls_module_defines_no_builder():
    from near_safe.contract import _builders, _promise

    for name in ("CrossContract", "Promise", "PromiseBatch", "all_of", "refuse_unsent"):
        assert not hasattr(_promise, name), name
        assert hasattr(_builders, name), name
    assert _builders._p is _promise  # the chains leave through its launch: one settlement path


@pytest.mark.parametrize("contract, frozen", [
    ("loads_safecall.py", False),
    ("bench_safecall.py", False),
    ("loads_builders.py", True),
    ("bench_builders.py", True),
    ("builders.py", True),
])
def test_the_builders_are_frozen_only_into_a_contract_that_names_them(contract, frozen):
    files = _analyze.plan_build(CONTRACTS / contract).near_safe_files
    assert "contract/_promise.py" in files
    assert ("contract/_builders.py" in files) is frozen


@pytest.fixture(scope="module")
def world():
    rt = Runtime(mode="wasm")
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    rt.deploy("callee.near", CONTRACTS / "callee.py", balance=10 * NEAR)
    contracts = {name: rt.deploy(f"{name}.near", CONTRACTS / f"loads_{name}.py",
                                 balance=10 * NEAR) for name in ("safecall", "builders")}
    return rt, alice, contracts


def _loaded(out, contract):
    """The modules each of ``contract``'s receipts loaded, by method."""
    rows = {}
    for r in out.receipts:
        if r.receiver == contract.id and not r.is_refund:
            logs = [x for x in r.logs if x.startswith("loaded ")]
            assert len(logs) == 1, (r.method, r.logs)
            rows[r.method] = set(logs[0][len("loaded "):].split(","))
    return rows


def _run(world, side, method):
    rt, alice, contracts = world
    snap = rt.snapshot()
    out = alice.call(contracts[side], method, {"callee": "callee.near"} if method != "nothing"
                     else {}, gas=300 * TGAS)
    rt.restore(snap)
    assert out.status == "success", out.error
    return _loaded(out, contracts[side])


def test_a_safe_call_loads_safe_calls_module_and_never_the_builders(world):
    rows = _run(world, "safecall", "ask")
    assert PROMISE in rows["ask"] and BUILDERS not in rows["ask"]
    assert PROMISE not in rows["on_result"] and XCC in rows["on_result"]


@pytest.mark.parametrize("method", ["ask", "ask_batch"])
def test_a_chain_loads_the_builders_only_in_the_method_that_builds_it(world, method):
    rows = _run(world, "builders", method)
    assert {PROMISE, BUILDERS} <= rows[method]  # the chain leaves through _promise.launch
    assert not {PROMISE, BUILDERS} & rows["on_result"]  # the callback imports CrossContract


def test_a_builder_contracts_method_that_builds_nothing_loads_neither(world):
    rows = _run(world, "builders", "nothing")
    assert not {PROMISE, BUILDERS, XCC} & rows["nothing"]
    assert "near_safe" in rows["nothing"]
