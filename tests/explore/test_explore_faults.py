"""Failure injection and look-ahead of the explorer's runtime (Wasm mode): each protocol
fault makes the external receipt fail the way nearcore would, the deposit goes back to the
caller contract, the callback sees the failure; a hostile callee keeps the deposit and returns a
failing promise; bad answers reach the callback; peek() predicts what step() runs."""

import json

import pytest
from explore_machines import CONTRACTS, POOL, VAULT

from near_safe.explore import ANSWERS
from near_safe.explore._faults import FaultRuntime
from near_safe.explore._run import GENESIS_TIME_NS
from near_safe.testing import NEAR, TGAS
from near_safe.testing.params import Config

PROTOCOL_FAULTS = ("panic", "out_of_gas", "missing_account", "missing_method",
                   "oversized_result")
HOSTILE = "hostile.mallory.near"


@pytest.fixture(scope="module")
def world():
    # pinned genesis, as exploration runs it: block times are a function of the height, so a
    # call re-run from a snapshot has the same context (and the memo can answer it)
    rt = FaultRuntime(large_bytes=3000, hostile=(HOSTILE,),
                      config=Config(genesis_time_ns=GENESIS_TIME_NS))
    rt.create_account("alice.near", balance=100 * NEAR)
    rt.create_account("bob.near", balance=100 * NEAR)
    rt.deploy(POOL, CONTRACTS / "pool.py", balance=10 * NEAR)
    vault = rt.deploy(VAULT, CONTRACTS / "bank_buggy.py", balance=50 * NEAR)
    vault.call(vault, "new", {"pool": POOL}).unwrap()
    rt.deploy(HOSTILE, '(module (memory (export "memory") 1))', balance=NEAR)
    return rt, rt.snapshot()


def _stake_until_pool_call(rt, method="stake_no_refund"):
    rt.handle("alice.near").submit(VAULT, method, {}, deposit=NEAR)
    rt.step()
    nxt = rt.peek()
    assert (nxt.predecessor, nxt.receiver, nxt.method, nxt.external) == (
        VAULT, POOL, "deposit_and_stake", True)
    return nxt


EXPECTED = {
    "panic": ("GuestPanic", None),
    "out_of_gas": ("GasExceeded", None),
    "missing_account": ("AccountDoesNotExist", None),
    "missing_method": ("MethodNotFound", None),
    "oversized_result": ("HostError", "ReturnedValueLengthExceeded"),
}


@pytest.mark.parametrize("fault", PROTOCOL_FAULTS)
def test_each_fault_fails_the_external_receipt_and_the_callback_sees_it(world, fault):
    rt, snap = world
    rt.restore(snap)
    nxt = _stake_until_pool_call(rt)
    vault_before = rt.balance(VAULT)
    rt.arm_fault(fault)
    out = rt.step()
    rt.disarm_fault()
    kind, host = EXPECTED[fault]
    assert out.status == "failure" and out.error_kind == kind
    if host:
        assert out.failure.data["host_error"] == host
    if fault == "out_of_gas":  # burnt everything it was given
        assert out.gas_burnt >= nxt.gas
    if fault in ("missing_account", "missing_method"):  # nop: no VM gas
        assert out.vm_gas_burnt == 0
    rest = rt.run()
    refunds = [r for r in rest if r.is_refund and r.receiver == VAULT and r.deposit == NEAR]
    assert refunds, "the 1 NEAR deposit goes back to the calling contract (docs/protocol.md 4.3)"
    (callback,) = [r for r in rest if r.method == "on_no_refund"]
    assert callback.succeeded  # it ran, saw the failure, and (the bug) credited nothing
    assert int(rt.view(VAULT, "balance_of", {"account_id": "alice.near"})) == 0
    assert rt.balance(VAULT) > vault_before  # the deposit stayed with the vault


def test_large_result_succeeds_with_the_configured_size(world):
    rt, snap = world
    rt.restore(snap)
    _stake_until_pool_call(rt)
    rt.arm_fault("large_result")
    out = rt.step()
    rt.disarm_fault()
    assert out.succeeded and len(out.raw_value) == 3000


def test_faults_touch_only_the_armed_receipt(world):
    rt, snap = world
    rt.restore(snap)
    _stake_until_pool_call(rt, "stake_credit_first")
    rt.step()  # not armed: the pool accepts
    assert all(o.succeeded for o in rt.run())
    assert int(rt.view(POOL, "get_stake", {"account_id": VAULT})) == NEAR


def test_next_receipt_predicts_every_step_of_interleaved_flows(world):
    rt, snap = world
    rt.restore(snap)
    rt.handle("alice.near").submit(VAULT, "stake_shared", {}, deposit=NEAR)
    rt.handle("bob.near").submit(VAULT, "stake_credit_first", {}, deposit=2 * NEAR)
    rt.step()
    rt.handle("alice.near").submit(VAULT, "withdraw", {"amount": "1"}, gas=50 * TGAS)
    seen = 0
    while True:
        nxt = rt.peek()
        out = rt.step()
        if out is None:
            assert nxt is None
            break
        assert (nxt.receiver, nxt.predecessor, nxt.method) == (
            out.receiver, out.predecessor, out.method)
        seen += 1
    assert seen >= 10


def test_observed_calls_record_callbacks_with_their_arguments(world):
    rt, snap = world
    rt.restore(snap)
    rt.forget_observed()
    rt.handle("alice.near").call(VAULT, "stake_public_cb", {}, deposit=NEAR)
    (cb,) = [o for o in rt.observed.values() if o.method == "on_staked"]
    assert json.loads(cb.args) == {"user": "alice.near", "amount": str(NEAR)}
    assert cb.predecessor == VAULT


def _strip_times(text):
    return "\n".join(line for line in text.splitlines() if " s with seed=" not in line)


def test_memoised_calls_change_no_result():
    from explore_machines import Safe, SharedPending

    on, off = Safe.explore(budget=150, memo=True), Safe.explore(budget=150, memo=False)
    assert (on.nodes, on.receipts, on.tried, on.gas_points) == (
        off.nodes, off.receipts, off.tried, off.gas_points)
    on, off = SharedPending.explore(memo=True), SharedPending.explore(memo=False)
    assert on.schedule == off.schedule
    assert _strip_times(on.report) == _strip_times(off.report)


def test_memo_returns_the_same_outcome_as_running_again(world):
    rt, snap = world
    rt.restore(snap)
    rt.memo.clear()
    first = rt.handle("alice.near").call(VAULT, "stake_no_refund", {}, deposit=NEAR)
    hits_before = rt.memo_hits
    rt.restore(snap)
    again = rt.handle("alice.near").call(VAULT, "stake_no_refund", {}, deposit=NEAR)
    assert rt.memo_hits > hits_before
    strip = lambda out: [(r.receiver, r.method, r.status, r.gas_burnt, r.raw_value, r.logs)
                         for r in out.receipts]
    assert strip(first) == strip(again)


def test_hostile_callee_keeps_the_deposit_and_returns_a_failing_promise(world):
    """keep_deposit_fail: the callee's receipt SUCCEEDS (the deposit stays with it, nothing is
    refunded by the protocol), the promise it returned fails, and the caller's callback sees
    a failure: the bank_buggy vault's no-refund flow then credits nothing - but the NEAR is
    with the hostile account, not back at the vault."""
    rt, snap = world
    rt.restore(snap)
    rt.handle("alice.near").submit(VAULT, "stake_no_refund", {}, deposit=NEAR)
    rt.step()
    nxt = rt.peek()
    # aimed at the hostile account instead of the pool (as if the user had named it)
    up = rt.next_receipt()
    assert nxt.external and not nxt.hostile and up.receiver == POOL
    hostile_before, vault_before = rt.balance(HOSTILE), rt.balance(VAULT)
    rt.inject("keep_deposit_fail")
    out = rt.step()
    assert out.succeeded and out.return_receipt_hash is not None
    rest = rt.run()
    failed = [o for o in rest if o.receiver == "nobody-at-all.near"]
    assert failed and failed[0].error_kind == "AccountDoesNotExist"
    (callback,) = [o for o in rest if o.method == "on_no_refund"]
    assert callback.succeeded
    assert not any(o.is_refund and o.deposit == NEAR for o in rest)  # nothing came back
    assert rt.balance(POOL) >= NEAR  # the callee (here the pool) kept it
    assert rt.balance(VAULT) < vault_before + NEAR
    assert rt.balance(HOSTILE) == hostile_before


@pytest.mark.parametrize("answer", sorted(ANSWERS))
def test_bad_answers_reach_the_callback(world, answer):
    """answer:<kind>: the callee runs and its answer is replaced by the bad bytes, which the
    callback then reads as its promise result (checked through the raw outcome)."""
    rt, snap = world
    rt.restore(snap)
    _stake_until_pool_call(rt, "stake_credit_first")
    rt.inject("answer:" + answer)
    out = rt.step()
    assert out.succeeded and out.raw_value == ANSWERS[answer]


def test_peek_marks_receipts_to_the_attackers_contract_hostile(world):
    rt, snap = world
    rt.restore(snap)
    rt.handle("alice.near").submit(HOSTILE, "sell", {}, deposit=NEAR)
    nxt = rt.peek()
    assert nxt.hostile and not nxt.external  # a user's own call: not a cross-contract call
