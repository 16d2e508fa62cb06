"""The per-receipt gas profile (nearcore ProfileDataV3; ReceiptOutcome.gas_profile, the node's
metadata.gas_profile): its parts add up to the gas the receipt burnt."""

import json
import sys
from pathlib import Path

import pytest
from rtwat import Wat, store_i64

from near_safe.testing import NEAR, TGAS, FunctionCall, Runtime, Transfer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "node"))


def _contract():
    w = Wat()
    w.method("busy", f"""{store_i64(w, "k", "(i64.const 7)")}
      (call $log_utf8 {w.s("hello")})
      (local.set $p (call $promise_batch_create {w.s("bob.near")}))
      (call $promise_batch_action_function_call_weight (local.get $p) {w.s("ping")}
            {w.s("{}")} (i64.const 0) (i64.const {5 * TGAS}) (i64.const 0))
      (call $value_return {w.s("1")})""")
    w.method("spin", "(loop $l (br $l))")
    return w.build()


def _total(profile) -> int:
    return (sum(profile["actions"].values()) + sum(profile["wasm_host"].values())
            + profile["wasm_instruction"])


def _exec_fees(config, method: str, args: bytes) -> int:
    """The receipt's own execution fees (docs/protocol.md 3.4): nearcore's profile leaves
    them out, gas_burnt has them."""
    f = config.action_fees
    return (f["action_receipt_creation"].execution + f["function_call_base"].execution
            + f["function_call_per_byte"].execution * (len(method) + len(args)))


@pytest.fixture
def world():
    rt = Runtime()
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    rt.create_account("bob.near", balance=NEAR)
    c = rt.deploy("c.near", _contract(), balance=10 * NEAR)
    return rt, alice, c


def test_the_parts_add_up_to_the_gas_burnt(world):
    rt, alice, c = world
    r = alice.call(c, "busy", gas=100 * TGAS).receipts[0]
    assert r.succeeded
    p = r.gas_profile
    assert _total(p) == r.vm_gas_burnt
    assert r.gas_burnt - r.vm_gas_burnt == _exec_fees(rt.config, "busy", b"")
    # host costs by kind, the Wasm ops, and the send fees of the promise it created
    host, fees = p["wasm_host"], rt.config.action_fees
    assert host["STORAGE_WRITE_BASE"] == rt.config.ext_costs["storage_write_base"]
    assert host["TOUCHING_TRIE_NODE"] > 0 and host["LOG_BASE"] > 0
    assert host["CONTRACT_LOADING_BASE"] == rt.config.ext_costs["contract_loading_base"]
    assert p["wasm_instruction"] > 0
    assert p["actions"]["FUNCTION_CALL_BASE"] == fees["function_call_base"].send(False)
    assert p["actions"]["NEW_ACTION_RECEIPT"] == fees["action_receipt_creation"].send(False)


def test_a_call_that_runs_out_of_gas_adds_up_too(world):
    rt, alice, c = world
    r = alice.call(c, "spin", gas=5 * TGAS).receipts[0]
    assert r.error_kind == "GasExceeded"
    assert _total(r.gas_profile) == r.vm_gas_burnt == 5 * TGAS


def test_a_receipt_with_two_calls_merges_their_profiles(world):
    rt, alice, c = world
    one = alice.call(c, "busy", gas=100 * TGAS).receipts[0].gas_profile
    two = alice.execute(c, [FunctionCall("busy", b"", 50 * TGAS),
                            FunctionCall("busy", b"", 50 * TGAS)]).receipts[0]
    p = two.gas_profile
    assert _total(p) == two.vm_gas_burnt
    assert p["actions"] == {k: 2 * g for k, g in one["actions"].items()}
    assert p["wasm_host"]["STORAGE_WRITE_BASE"] == 2 * one["wasm_host"]["STORAGE_WRITE_BASE"]


def test_a_receipt_without_a_call_has_an_empty_profile(world):
    rt, alice, c = world
    r = alice.execute("bob.near", [Transfer(deposit=NEAR)]).receipts[0]
    assert r.gas_profile == {"actions": {}, "wasm_host": {}, "wasm_instruction": 0}
    assert r.gas_profile_view() == []


def test_the_view_is_nearcores_metadata_gas_profile(world):
    """views.rs CostGasUsed: category, cost, gas as a string, sorted by category then cost;
    the Wasm ops are WASM_HOST_COST WASM_INSTRUCTION."""
    rt, alice, c = world
    r = alice.call(c, "busy", gas=100 * TGAS).receipts[0]
    view = r.gas_profile_view()
    keys = [(e["cost_category"], e["cost"]) for e in view]
    assert keys == sorted(keys)
    assert {e["cost_category"] for e in view} == {"ACTION_COST", "WASM_HOST_COST"}
    assert sum(int(e["gas_used"]) for e in view) == r.vm_gas_burnt
    assert ("WASM_HOST_COST", "WASM_INSTRUCTION") in keys


def test_the_node_returns_the_profile_in_the_receipt_metadata():
    """near-safe node's EXPERIMENTAL_tx_status / send_tx: each receipt outcome's
    metadata is {version 3, gas_profile: the view above}."""
    import wasmtime
    from noderpc import rpc, signed

    from near_safe.node.pytest_fixture import start_node
    from near_safe.testing import DeployContract

    node = start_node()
    try:
        url = node.url
        code = wasmtime.wat2wasm(_contract())
        b64, _ = signed(url, "sandbox", "sandbox", [DeployContract(code=code)])
        rpc(url, "send_tx", {"signed_tx_base64": b64, "wait_until": "FINAL"})
        b64, _ = signed(url, "sandbox", "sandbox", [FunctionCall("busy", b"", 50 * TGAS, 0)])
        out = rpc(url, "send_tx", {"signed_tx_base64": b64, "wait_until": "FINAL"})["result"]
        first = out["receipts_outcome"][0]["outcome"]
        meta = first["metadata"]
        assert meta["version"] == 3
        costs = {e["cost"]: int(e["gas_used"]) for e in meta["gas_profile"]}
        assert costs["TOUCHING_TRIE_NODE"] > 0 and costs["WASM_INSTRUCTION"] > 0
        fees = _exec_fees(Runtime().config, "busy", b"")
        assert sum(costs.values()) == first["gas_burnt"] - fees
    finally:
        node.stop()
