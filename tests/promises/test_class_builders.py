"""near-sdk-py's integration callback_contract ported to near_safe's class style with the
builders (contracts/class_builders.py), against a plain near-sdk-py callee whose str results are
raw UTF-8 (contracts/sdk_store.py); Wasm and CPython mode."""

from pathlib import Path

import pytest

from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
GAS = 300 * TGAS


class World:
    def __init__(self, mode):
        rt = self.rt = Runtime(mode=mode)
        self.alice = rt.create_account("alice.near", balance=100 * NEAR)
        self.bob = rt.create_account("bob.near", balance=100 * NEAR)
        self.store1 = rt.deploy("store1.near", CONTRACTS / "sdk_store.py", balance=10 * NEAR)
        self.store2 = rt.deploy("store2.near", CONTRACTS / "sdk_store.py", balance=10 * NEAR)
        self.cb = rt.deploy("cb.near", CONTRACTS / "class_builders.py", balance=10 * NEAR)
        self.alice.call(self.store1, "set_value", {"key": "k1", "value": "v1"}).unwrap()


_worlds = {}


@pytest.fixture(params=["wasm", "python"])
def w(request):
    if request.param not in _worlds:
        world = World(request.param)
        _worlds[request.param] = (world, world.rt.snapshot())
    world, snap = _worlds[request.param]
    yield world
    world.rt.restore(snap)


def test_callback_reads_a_near_sdk_py_str_answer_as_near_sdk_py_does(w):
    out = w.alice.call(w.cb, "call_with_callback", {"contract_id": "store1.near", "key": "k1"},
                       gas=GAS)
    assert out.value == {"success": True, "key": "k1", "value": "v1", "status": 1,
                         "processed": True}


def test_join_gives_the_multi_callback_every_result(w):
    out = w.alice.call(w.cb, "join_promises", {"contract_id1": "store1.near",
                                               "contract_id2": "store2.near",
                                               "key1": "k1", "key2": "k2"}, gas=GAS)
    assert out.value == {"success": True, "keys": ["k1", "k2"],
                         "values": ["v1", "default_value"]}


def test_join_with_a_failed_call_reports_it(w):
    out = w.alice.call(w.cb, "join_promises", {"contract_id1": "store1.near",
                                               "contract_id2": "nobody.near",
                                               "key1": "k1", "key2": "k2"}, gas=GAS)
    assert out.value == {"success": False, "error": "Promise 1 failed"}


def test_tip_to_a_missing_account_returns_to_the_tipper_by_the_protocol(w):
    before = w.rt.balance("alice.near")
    out = w.alice.call(w.cb, "tip", {"receiver": "nobody.near"}, deposit=NEAR, gas=GAS)
    assert out.value is False
    assert [r.deposit for r in out.receipts if r.receiver == "alice.near" and r.is_refund
            and r.deposit == NEAR] == [NEAR]
    assert before - w.rt.balance("alice.near") < NEAR // 100


def test_tip_that_arrives(w):
    before = w.rt.balance("bob.near")
    out = w.alice.call(w.cb, "tip", {"receiver": "bob.near"}, deposit=NEAR, gas=GAS)
    assert out.value is True and w.rt.balance("bob.near") - before == NEAR


def test_callbacks_cannot_be_called_directly(w):
    for method, args in (("process_callback", {"key": "k"}), ("on_tip", {}),
                         ("process_join_callback", {"keys": []})):
        out = w.alice.call(w.cb, method, args, gas=GAS)
        assert f"Method {method} is private" in out.error
