"""Yields with a caller-chosen id (protocol 85, nearcore ``ProtocolFeature::YieldWithId``, config
flag ``yield_with_id_host_fns``; docs/protocol.md section 8).

``promise_yield_create_with_id(method_len, method_ptr, args_len, args_ptr, amount_ptr, gas,
gas_weight, yield_id_len, yield_id_ptr) -> u64`` creates a yield named by a 32-byte id the
contract picks (no register is written; a deposit may be attached) and returns the promise
index, or u64::MAX while a yield of the same account with that id is pending;
``promise_yield_resume_with_yield_id(yield_id_len, yield_id_ptr, payload_len, payload_ptr) -> u32``
resumes it by that id (1) or finds none (0).  Both raise ``YieldIdMalformed`` for an id that is
not 32 bytes.  Before 85 nearcore does not link them.

Hand-written WAT contracts on the embedded runtime (Wasm mode); figures come from the selected
protocol's Config."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "runtime"))

from rtwat import SCRATCH, Wat, callback_recorder, store_i64, u64_at  # noqa: E402

from near_safe.testing import NEAR, TGAS, Runtime  # noqa: E402

U64_MAX = 2**64 - 1
CREATE = ('  (import "env" "promise_yield_create_with_id" (func $promise_yield_create_with_id '
          '(param i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))')
RESUME = ('  (import "env" "promise_yield_resume_with_yield_id" '
          '(func $promise_yield_resume_with_yield_id (param i64 i64 i64 i64) (result i32)))')
BEFORE, FROM = (84, 85)
VERSIONS_FROM = (85, 88)


def build(w: Wat, *imports: str) -> str:
    """rtwat's module plus the given import lines."""
    text = w.build()
    return text.replace("(module", "(module\n" + "\n".join(imports), 1)


def create_call(w: Wat, id_len: int = 32, method: str = "cb", deposit: int = 0,
                weight: int = 0) -> str:
    """promise_yield_create_with_id with the id = the call's input (read into SCRATCH)."""
    return (f"(call $input (i64.const 0))"
            f"(call $read_register (i64.const 0) (i64.const {SCRATCH}))"
            f"(call $promise_yield_create_with_id {w.s(method)} {w.s('')} {w.u128(deposit)}"
            f" (i64.const {10 * TGAS}) (i64.const {weight})"
            f" (i64.const {id_len}) (i64.const {SCRATCH}))")


def yield_id_contract() -> Wat:
    """``make`` (input: the id): one yield, its result in ``made``; ``make2``: two with the
    same id in one call (``made``, ``made2``); ``give`` attaches 3 yocto, ``greedy`` more than c has; ``short``: a 16-byte
    id; ``noname``: an empty method name; ``resume`` (input: 32-byte id + payload): the result
    in ``resumed``; ``cb`` records what it received (rtwat.callback_recorder)."""
    w = Wat()
    w.method("make", store_i64(w, "made", create_call(w)))
    w.method("make2", store_i64(w, "made", create_call(w)) + store_i64(w, "made2", create_call(w)))
    w.method("give", store_i64(w, "made", create_call(w, deposit=3)))
    w.method("greedy", store_i64(w, "made", create_call(w, deposit=10**6 * NEAR)))
    w.method("short", store_i64(w, "made", create_call(w, id_len=16)))
    w.method("noname", store_i64(w, "made", create_call(w, method="")))
    w.method("resume", f"""
      (call $input (i64.const 0))
      (call $read_register (i64.const 0) (i64.const {SCRATCH}))
      (local.set $x (i64.extend_i32_u (call $promise_yield_resume_with_yield_id
          (i64.const 32) (i64.const {SCRATCH})
          (i64.sub (call $register_len (i64.const 0)) (i64.const 32))
          (i64.const {SCRATCH + 32}))))
      {store_i64(w, "resumed", "(local.get $x)")}""")
    w.method("resume_short", f"""
      (drop (call $promise_yield_resume_with_yield_id {w.s(b"y" * 16)} {w.s("p")}))""")
    callback_recorder(w, "cb")
    return w


def setup(version: int, code=None):
    rt = Runtime(protocol=version)
    c = rt.deploy("c.near", code or build(yield_id_contract(), CREATE, RESUME),
                  balance=10 * NEAR)
    user = rt.create_account("u.near", balance=100 * NEAR)
    return rt, c, user


YID = bytes(range(32))


# ------------------------------------------------------------------ linking


@pytest.mark.parametrize("imports,name", [
    ((CREATE,), "promise_yield_create_with_id"),
    ((RESUME,), "promise_yield_resume_with_yield_id"),
])
def test_the_functions_link_only_from_85(imports, name):
    """Before 85 (yield_with_id_host_fns false) a contract importing either function fails with
    a LinkError naming it, after the loading fee; from 85 it links and runs."""
    w = Wat()
    w.method("hello", store_i64(w, "ran", "(i64.const 1)"))
    code = build(w, *imports)
    for version in (BEFORE, FROM, 88):
        rt, c, user = setup(version, code)
        first = user.call(c, "hello", gas=30 * TGAS).receipts[0]
        assert rt.config.feature("yield_with_id_host_fns") == (version >= FROM)
        if version < FROM:
            assert first.failure.detail == "LinkError"
            assert name in first.failure.message
            assert first.vm_gas_burnt > 0  # the loading fee
            assert b"ran" not in c.storage
        else:
            assert first.status == "success" and u64_at(c.storage, "ran") == 1


def test_a_contract_without_them_still_links_before_85():
    """The gating is per import: a contract without the two imports runs at 84."""
    w = Wat()
    w.method("hello", store_i64(w, "ran", "(i64.const 1)"))
    rt, c, user = setup(BEFORE, build(w))
    assert user.call(c, "hello", gas=30 * TGAS).receipts[0].status == "success"
    assert u64_at(c.storage, "ran") == 1


# ------------------------------------------------------------------ happy path


@pytest.mark.parametrize("version", VERSIONS_FROM)
def test_create_then_resume_by_id_delivers_the_payload(version):
    rt, c, user = setup(version)
    tx = user.submit(c, "make", YID, gas=100 * TGAS)
    out = tx.wait()
    assert out.status == "pending"  # the callback waits for its resume
    assert u64_at(c.storage, "made") == 0  # the first promise index
    [waiting] = [p for p in rt.pending() if p.kind == "yield"]
    assert waiting.method == "cb" and waiting.waiting_for_data
    # gas: yield_create_with_id_base replaces yield_create_base
    host = out.receipt(method="make").gas_profile["wasm_host"]
    assert host["YIELD_CREATE_WITH_ID_BASE"] == rt.config.ext_costs["yield_create_with_id_base"]
    assert "YIELD_CREATE_BASE" not in host
    assert host["YIELD_CREATE_BYTE"] == rt.config.ext_costs["yield_create_byte"] * len("cb")

    r = user.call(c, "resume", YID + b"payload", gas=50 * TGAS)
    assert r.status == "success" and u64_at(c.storage, "resumed") == 1
    assert (u64_at(c.storage, "status"), c.storage[b"data"]) == (1, b"payload")
    done = tx.outcome()
    assert done.status == "success" and done.receipt(method="cb").value == "payload"
    rhost = r.receipt(method="resume").gas_profile["wasm_host"]
    assert rhost["YIELD_RESUME_BASE"] == rt.config.ext_costs["yield_resume_base"]
    assert rhost["YIELD_RESUME_BYTE"] == rt.config.ext_costs["yield_resume_byte"] * len(b"payload")

    # the yield has run: the id no longer resolves, and may be used again
    user.call(c, "resume", YID + b"again", gas=50 * TGAS)
    assert u64_at(c.storage, "resumed") == 0
    again = user.submit(c, "make", YID, gas=100 * TGAS).wait()
    assert again.status == "pending" and u64_at(c.storage, "made") == 0


@pytest.mark.parametrize("version", VERSIONS_FROM)
def test_a_pending_id_cannot_be_created_again(version):
    """While the yield waits, creating one with the same id returns u64::MAX and creates no
    receipt - across calls and within one call; another id is independent."""
    rt, c, user = setup(version)
    user.submit(c, "make", YID, gas=100 * TGAS).wait()
    dup = user.call(c, "make", YID, gas=100 * TGAS)
    assert dup.status == "success" and u64_at(c.storage, "made") == U64_MAX
    assert [p.kind for p in rt.pending()] == ["yield"]
    actions = dup.receipt(method="make").gas_profile["actions"]
    assert not actions  # no receipt fees were charged for the refused yield
    other = bytes(32)
    user.submit(c, "make2", other, gas=100 * TGAS).wait()
    assert (u64_at(c.storage, "made"), u64_at(c.storage, "made2")) == (0, U64_MAX)
    assert [p.kind for p in rt.pending()] == ["yield", "yield"]


@pytest.mark.parametrize("version", VERSIONS_FROM)
def test_ids_belong_to_the_account(version):
    """Another account with the same code cannot resume c's yield by its id."""
    rt, c, user = setup(version)
    d = rt.deploy("d.near", build(yield_id_contract(), CREATE, RESUME), balance=10 * NEAR)
    user.submit(c, "make", YID, gas=100 * TGAS).wait()
    user.call(d, "resume", YID + b"x", gas=50 * TGAS)
    assert u64_at(d.storage, "resumed") == 0
    # and d may create its own yield with the same id
    user.submit(d, "make", YID, gas=100 * TGAS).wait()
    assert u64_at(d.storage, "made") == 0
    user.call(c, "resume", YID + b"c", gas=50 * TGAS)
    assert c.storage[b"data"] == b"c" and b"data" not in d.storage


@pytest.mark.parametrize("version", VERSIONS_FROM)
def test_a_timed_out_yield_frees_its_id(version):
    rt, c, user = setup(version)
    out = user.call(c, "make", YID, gas=100 * TGAS)
    x = out.receipt(method="make").block_height
    rt.produce_blocks(x + rt.config.limits["yield_timeout_length_in_blocks"] - rt.height)
    rt.run()
    assert u64_at(c.storage, "status") == 2  # the callback ran with Failed
    user.call(c, "resume", YID + b"late", gas=50 * TGAS)
    assert u64_at(c.storage, "resumed") == 0
    user.submit(c, "make", YID, gas=100 * TGAS).wait()
    assert u64_at(c.storage, "made") == 0


@pytest.mark.parametrize("version", VERSIONS_FROM)
def test_the_deposit_goes_on_the_callback(version):
    """The amount leaves the contract's balance at creation and rides on the callback."""
    rt, c, user = setup(version)
    before = rt.balance(c)
    tx = user.submit(c, "give", YID, gas=100 * TGAS)
    out = tx.wait()
    assert out.status == "pending"
    assert rt.balance(c) == before - 3 + out.receipt(method="give").contract_reward
    user.call(c, "resume", YID + b"p", gas=50 * TGAS)
    assert tx.outcome().receipt(method="cb").deposit == 3


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("version", VERSIONS_FROM)
@pytest.mark.parametrize("method,detail", [
    ("short", "YieldIdMalformed"),
    ("resume_short", "YieldIdMalformed"),
    ("noname", "EmptyMethodName"),
])
def test_bad_arguments_fail_the_call(version, method, detail):
    rt, c, user = setup(version)
    first = user.call(c, method, YID, gas=100 * TGAS).receipts[0]
    assert first.failure.data["host_error"] == detail
    assert not [p for p in rt.pending() if p.kind == "yield"]
    assert b"made" not in c.storage


def test_attaching_more_than_the_balance_fails():
    rt, c, user = setup(88)
    first = user.call(c, "greedy", YID, gas=100 * TGAS).receipts[0]
    assert first.failure.data["host_error"] == "BalanceExceeded"
    assert not [p for p in rt.pending() if p.kind == "yield"]


@pytest.mark.parametrize("method", ["make", "resume"])
def test_prohibited_in_a_view(method):
    rt, c, user = setup(88)
    out = rt.view_outcome(c, method, YID + b"p")
    assert out.aborted.detail == "ProhibitedInView"
    assert out.aborted.data["method_name"].startswith(
        "promise_yield_create_with_id" if method == "make" else "promise_yield_resume_with")
