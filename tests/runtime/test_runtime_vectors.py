"""The test vectors that concern the runtime (docs/protocol.md section 7).

The vectors are the older spec's, written for protocol 84, so these tests run a protocol-84
runtime (the ``rt`` fixture below); each names its vector (TVn) and computes the expected
figures from docs/protocol.md's formulas and protocol 84's configuration; where the vector gives
a total, the test checks that too.  What differs at later versions (the purchase price and its
refund from 85, no contract reward from 87, ...) is tested in test_protocol_versions.py.
Contracts are small WAT modules (rtwat.py) so every host call, and so every fee, is known.
"""

import pytest

from near_safe.testing import (NEAR, TGAS, AccessKey, AddKey, Config, CreateAccount,
                               DeleteAccount, DeployContract, FunctionCall, InvalidTransaction,
                               Runtime, Transfer)
from rtfees import U64_MAX, Fees

VECTORS_PROTOCOL = 84
_FEES = Fees(Config.for_protocol(VECTORS_PROTOCOL))
EXT, P = _FEES.EXT, _FEES.P
send, exe, reward = _FEES.send, _FEES.exe, _FEES.reward
call_conversion_burn, call_exec_fees = _FEES.call_conversion_burn, _FEES.call_exec_fees


@pytest.fixture
def rt():
    return Runtime(mode="wasm", protocol=VECTORS_PROTOCOL)
from rtwat import (SCRATCH, Wat, callback_recorder, store_balance, store_i64, store_register,
                   u64_at)


def noop_contract():
    w = Wat()
    w.method("hello", "(nop)")
    w.method("ret42", f"(call $value_return {w.s('42')})")
    w.method("with_params", "(nop)")
    return w


def deploy_noop(rt, account="bob.near", balance=10 * NEAR):
    return rt.deploy(account, noop_contract().build(), balance=balance)


# ------------------------------------------------------------------------------ TV1, TV2


def test_tv1_plain_transfer_cost_and_no_gas_refund(rt, alice, bob):
    before_a, before_b = alice.balance, bob.balance
    burn = send("action_receipt_creation") + send("transfer")
    assert burn == 223_182_562_500
    prepaid_exec = exe("action_receipt_creation") + exe("transfer")
    out = alice.transfer(bob, 1 * NEAR)
    assert out.conversion_gas_burnt == burn
    assert before_a - alice.balance == 1 * NEAR + (burn + prepaid_exec) * P
    assert before_a - alice.balance == 1 * NEAR + 44_636_512_500_000_000_000
    assert bob.balance == before_b + 1 * NEAR
    [receipt] = out.receipts  # no refund receipt: prepaid == used
    assert receipt.gas_burnt == prepaid_exec == 223_182_562_500
    assert receipt.block_height == out.included_at + 1


def test_tv2_function_call_transaction_cost(rt, alice):
    deploy_noop(rt)
    burn = call_conversion_burn("hello", "world")
    exec_fees = call_exec_fees("hello", "world")
    assert (burn, exec_fees) == (308_536_337_150, 888_081_859_340)
    before = alice.balance
    tx = alice.submit("bob.near", "hello", "world", gas=200 * TGAS)
    rt.produce_blocks(1)  # the block that includes (converts) the transaction
    assert tx.outcome().included_at == rt.height
    debit = (burn + exec_fees + 200 * TGAS) * P
    assert debit == 20_119_661_819_649_000_000_000
    assert before - alice.balance == debit
    out = tx.wait()
    assert out.status == "success"
    assert out.conversion_gas_burnt == burn


def test_tv2_signer_is_receiver_uses_sir_fees(rt):
    me = rt.deploy("alice.near", noop_contract().build(), balance=100 * NEAR)
    out = me.call(me, "hello", "world", gas=200 * TGAS)
    assert out.conversion_gas_burnt == call_conversion_burn("hello", "world", sir=True)
    assert out.conversion_gas_burnt == 308_081_859_340


# ------------------------------------------------------------------------------ TV3 - TV5


def _assert_refunded_failure(rt, out, signer_before, signer, deposit, gas):
    """The shape TV3-TV5 share: failure burning only exec fees, then refunds of the deposit
    and of ALL the prepaid gas, both applied one block after the failure."""
    failed, dep_refund, gas_refund = out.receipts
    assert failed.gas_burnt == call_exec_fees("hello", "")
    assert failed.vm_gas_burnt == 0 and failed.contract_reward == 0
    assert dep_refund.is_refund and gas_refund.is_refund
    assert (dep_refund.receiver, dep_refund.signer) == (signer.id, "system")
    assert dep_refund.deposit == deposit
    assert gas_refund.receiver == signer.id and gas_refund.signer == signer.id
    assert gas_refund.deposit == gas * P
    assert dep_refund.block_height == gas_refund.block_height == failed.block_height + 1
    net = (call_conversion_burn("hello", "") + call_exec_fees("hello", "")) * P
    assert signer_before - signer.balance == net


def test_tv3_call_to_missing_account(rt, alice):
    before = alice.balance
    out = alice.call("ghost.near", "hello", deposit=3 * NEAR, gas=200 * TGAS)
    failed = out.receipts[0]
    assert failed.failure.kind == "AccountDoesNotExist"
    assert failed.failure.index == 0
    assert failed.failure.data["account_id"] == "ghost.near"
    assert failed.block_height == out.included_at + 1
    _assert_refunded_failure(rt, out, before, alice, 3 * NEAR, 200 * TGAS)


def test_tv4_account_without_contract(rt, alice, bob):
    before_bob = bob.balance
    before = alice.balance
    out = alice.call(bob, "hello", deposit=2 * NEAR, gas=200 * TGAS)
    assert out.receipts[0].failure.kind == "FunctionCallError"
    assert out.receipts[0].error_kind == "CodeDoesNotExist"
    _assert_refunded_failure(rt, out, before, alice, 2 * NEAR, 200 * TGAS)
    assert bob.balance == before_bob  # no deposit kept, no reward


def test_tv5_method_not_exported_is_a_nop_outcome(rt, alice):
    deploy_noop(rt)
    before = alice.balance
    out = alice.call("bob.near", "hellox", deposit=NEAR, gas=200 * TGAS)
    assert out.receipts[0].error_kind == "MethodNotFound"
    # same accounting as TV3/TV4 for a 6-byte method name
    failed = out.receipts[0]
    assert failed.gas_burnt == call_exec_fees("hellox", "")
    assert failed.vm_gas_burnt == 0  # no contract-loading fee either (TV26)
    assert out.receipts[2].deposit == 200 * TGAS * P
    net = (call_conversion_burn("hellox", "") + call_exec_fees("hellox", "")) * P
    assert before - alice.balance == net


def test_tv5_method_with_params_is_invalid_signature(rt, alice):
    w = Wat()
    w.method("hello", "(nop)")
    src = w.build().replace('(func (export "hello")', '(func (export "hello") (param i64)')
    rt.deploy("bob.near", src)
    out = alice.call("bob.near", "hello", gas=200 * TGAS)
    assert out.receipts[0].error_kind == "MethodInvalidSignature"
    assert out.receipts[0].vm_gas_burnt == 0
    assert out.receipts[-1].deposit == 200 * TGAS * P


# ------------------------------------------------------------------------------ TV6


def test_tv6_panic_rolls_back_state_and_refunds_deposit_to_predecessor(rt, alice):
    w = Wat()
    w.method("f", f"""
      (drop (call $storage_write {w.s("k")} {w.s("v")} (i64.const 0)))
      (drop (call $promise_create {w.s("b.near")} {w.s("g")} {w.s("")}
                                  {w.u128(2 * NEAR)} (i64.const {10 * TGAS})))
      (call $panic_utf8 {w.s("boom")})""")
    a = rt.deploy("a.near", w.build(), balance=5 * NEAR)
    before_a, before_user = a.balance, alice.balance
    gas = 50 * TGAS
    out = alice.call(a, "f", deposit=1 * NEAR, gas=gas)
    failed = out.receipts[0]
    assert failed.status == "failure"
    assert failed.error_kind == "GuestPanic"
    assert failed.error == "Smart contract panicked: boom"
    assert a.storage == {}
    assert a.balance == before_a + reward(failed.vm_gas_burnt)  # neither +1 nor -2 NEAR
    assert failed.contract_reward == reward(failed.vm_gas_burnt) > 0
    assert not out.find(receiver="b.near")  # the promise was dropped
    dep, gas_refund = out.refunds
    assert (dep.receiver, dep.deposit) == ("alice.near", 1 * NEAR)
    # the dropped promise's send fees stay burnt (inside vm burnt); its prepaid gas comes back
    assert gas_refund.deposit == (gas - failed.vm_gas_burnt) * P
    assert failed.gas_burnt == call_exec_fees("f", "") + failed.vm_gas_burnt
    assert before_user - alice.balance == out.tokens_burnt


# ------------------------------------------------------------------------------ TV7, TV8


def caller_contract(callee="b.near", deposit=1 * NEAR, callee_gas=10 * TGAS, method="g"):
    """A.f: p = B.g(deposit); q = p.then(A.cb); promise_return(q); writes 'f' first."""
    w = Wat()
    w.method("f", f"""
      (drop (call $storage_write {w.s("f")} {w.s("done")} (i64.const 0)))
      (local.set $p (call $promise_create {w.s(callee)} {w.s(method)} {w.s("{}")}
                                          {w.u128(deposit)} (i64.const {callee_gas})))
      (local.set $q (call $promise_then (local.get $p) {w.s("a.near")} {w.s("cb")} {w.s("")}
                                        {w.u128(0)} (i64.const {10 * TGAS})))
      (call $promise_return (local.get $q))""")
    callback_recorder(w, "cb")
    return w


def callee_contract():
    w = Wat()
    w.method("g", f"(call $panic_utf8 {w.s('callee failed')})")
    w.method("g42", f"(call $value_return {w.s('42')})")
    return w


def test_tv7_failed_callee_refunds_the_calling_contract_and_callback_sees_failure(rt, alice):
    a = rt.deploy("a.near", caller_contract().build(), balance=5 * NEAR)
    b = rt.deploy("b.near", callee_contract().build(), balance=5 * NEAR)
    before_b = b.balance
    out = alice.call(a, "f", gas=100 * TGAS)
    f, g = out.receipt(method="f"), out.receipt(method="g")
    cb = out.receipt(method="cb")
    h = out.included_at
    assert (f.block_height, g.block_height, cb.block_height) == (h + 1, h + 2, h + 3)
    assert f.status == "success" and f.return_receipt_id == cb.receipt_id
    assert g.status == "failure"
    dep_refund = out.receipt(receiver="a.near", is_refund=True)
    assert dep_refund.deposit == 1 * NEAR  # to the predecessor A, not to the user
    gas_refunds = out.find(receiver="alice.near", is_refund=True,
                           block_height=g.block_height + 1)
    assert [r.deposit for r in gas_refunds] == [(10 * TGAS - g.vm_gas_burnt) * P]
    assert b.balance == before_b + reward(g.vm_gas_burnt)
    state = a.storage
    assert u64_at(state, "count") == 1
    assert u64_at(state, "status") == 2  # Failed
    assert u64_at(state, "rlen") == U64_MAX  # register untouched
    assert state[b"f"] == b"done"  # A.f's own changes persist
    assert out.status == "success" and out.value is None  # the callback's result
    assert out.error == "Smart contract panicked: callee failed"  # first failure in the tree


def test_tv8_successful_callee_passes_its_value_to_the_callback(rt, alice):
    a = rt.deploy("a.near", caller_contract(method="g42").build(), balance=5 * NEAR)
    b = rt.deploy("b.near", callee_contract().build(), balance=5 * NEAR)
    out = alice.call(a, "f", gas=100 * TGAS)
    g = out.receipt(method="g42")
    assert g.status == "success" and g.value == 42 and g.raw_value == b"42"
    state = a.storage
    assert (u64_at(state, "status"), u64_at(state, "rlen")) == (1, 2)
    assert state[b"data"] == b"42"
    assert out.value == 42  # promise_return chain: the tx result is the callback's value
    # the data receiver costs value_return 2 * (send_not_sir + exec) per byte: compare with
    # the same method called directly (no data receiver)
    direct = alice.call(b, "g42", gas=100 * TGAS).receipt(method="g42")
    per_byte = send("data_receipt_creation_per_byte") + exe("data_receipt_creation_per_byte")
    assert 2 * per_byte == 129_791_452
    assert g.vm_gas_burnt - direct.vm_gas_burnt == 2 * per_byte


def test_tv8_callee_returning_nothing_gives_success_with_empty_data(rt, alice):
    w = caller_contract(deposit=0)
    a = rt.deploy("a.near", w.build(), balance=5 * NEAR)
    callee = Wat()
    callee.method("g", "(nop)")
    rt.deploy("b.near", callee.build())
    alice.call(a, "f", gas=100 * TGAS)
    assert (u64_at(a.storage, "status"), u64_at(a.storage, "rlen")) == (1, 0)


# ------------------------------------------------------------------------------ TV9, TV10


def test_tv9_promise_return_forwards_the_data_receiver(rt, alice):
    x = Wat()
    x.method("h", f"""
      (local.set $p (call $promise_create {x.s("a.near")} {x.s("f")} {x.s("")} {x.u128(0)}
                                          (i64.const {60 * TGAS})))
      (drop (call $promise_then (local.get $p) {x.s("x.near")} {x.s("cb")} {x.s("")}
                                {x.u128(0)} (i64.const {10 * TGAS})))""")
    callback_recorder(x, "cb")
    a = Wat()
    a.method("f", f"""(call $promise_return (call $promise_create {a.s("b.near")} {a.s("g")}
                        {a.s("")} {a.u128(0)} (i64.const {10 * TGAS})))""")
    b = Wat()
    b.method("g", f"(call $value_return {b.s('7')})")
    for name, w in (("x.near", x), ("a.near", a), ("b.near", b)):
        rt.deploy(name, w.build())
    tx = alice.submit("x.near", "h", gas=200 * TGAS)
    # run until A.f has executed, then look at what it left behind
    while True:
        o = rt.step()
        if o.method == "f":
            break
    g_pending = [p for p in rt.pending() if p.method == "g"]
    assert len(g_pending) == 1
    assert o.return_receipt_id == g_pending[0].receipt_id  # SuccessReceiptId(B.g)
    assert not [p for p in rt.pending() if p.kind == "data"]  # A emits no DataReceipt
    out = tx.wait()
    assert out.receipt(method="g").value == 7
    assert rt.storage("x.near")[b"data"] == b"7"
    assert u64_at(rt.storage("x.near"), "status") == 1


def test_tv10_joint_promise_results_follow_the_and_order(rt, alice):
    a = Wat()
    a.method("f", f"""
      (local.set $p (call $promise_create {a.s("b.near")} {a.s("slow")} {a.s("")} {a.u128(0)}
                                          (i64.const {40 * TGAS})))
      (local.set $q (call $promise_create {a.s("c.near")} {a.s("fast")} {a.s("")} {a.u128(0)}
                                          (i64.const {10 * TGAS})))
      (i64.store (i32.const 0) (local.get $p))
      (i64.store (i32.const 8) (local.get $q))
      (local.set $x (call $promise_and (i64.const 0) (i64.const 2)))
      (drop (call $promise_then (local.get $x) {a.s("a.near")} {a.s("cb")} {a.s("")} {a.u128(0)}
                                (i64.const {10 * TGAS})))""")
    a.method("cb", f"""
      {store_i64(a, "count", "(call $promise_results_count)")}
      {store_i64(a, "s0", "(call $promise_result (i64.const 0) (i64.const 1))")}
      {store_i64(a, "s1", "(call $promise_result (i64.const 1) (i64.const 2))")}
      (call $read_register (i64.const 1) (i64.const {SCRATCH}))
      (call $read_register (i64.const 2) (i64.const {SCRATCH + 1}))
      (drop (call $storage_write {a.s("data")} (i64.const 2) (i64.const {SCRATCH})
                                 (i64.const 99)))""")
    a.method("and_transfer", f"""
      (local.set $p (call $promise_batch_create {a.s("b.near")}))
      (i64.store (i32.const 0) (local.get $p))
      (i64.store (i32.const 8) (local.get $p))
      (call $promise_batch_action_transfer (call $promise_and (i64.const 0) (i64.const 2))
                                           {a.u128(1)})""")
    a.method("and_return", f"""
      (local.set $p (call $promise_batch_create {a.s("b.near")}))
      (i64.store (i32.const 0) (local.get $p))
      (i64.store (i32.const 8) (local.get $p))
      (call $promise_return (call $promise_and (i64.const 0) (i64.const 2)))""")
    b = Wat()  # B.slow finishes a block later than C.fast: it returns another promise
    b.method("slow", f"""(call $promise_return (call $promise_create {b.s("b.near")}
                           {b.s("one")} {b.s("")} {b.u128(0)} (i64.const {10 * TGAS})))""")
    b.method("one", f"(call $value_return {b.s('1')})")
    c = Wat()
    c.method("fast", f"(call $value_return {c.s('2')})")
    for name, w in (("a.near", a), ("b.near", b), ("c.near", c)):
        rt.deploy(name, w.build())
    out = alice.call("a.near", "f", gas=200 * TGAS)
    assert out.receipt(method="fast").block_height < out.receipt(method="one").block_height
    state = rt.storage("a.near")
    assert u64_at(state, "count") == 2
    assert (u64_at(state, "s0"), u64_at(state, "s1")) == (1, 1)
    assert state[b"data"] == b"12"  # p1 (B, finished last) first, then p2 (C)
    bad = alice.call("a.near", "and_transfer", gas=50 * TGAS).receipts[0]
    assert bad.failure.data["host_error"] == "CannotAppendActionToJointPromise"
    bad = alice.call("a.near", "and_return", gas=50 * TGAS).receipts[0]
    assert bad.failure.data["host_error"] == "CannotReturnJointPromise"


# ------------------------------------------------------------------------------ TV12 - TV14


def zero_gas_contract():
    w = Wat()
    w.method("static_zero", f"""
      (drop (call $storage_write {w.s("k")} {w.s("v")} (i64.const 0)))
      (drop (call $promise_create {w.s("b.near")} {w.s("g")} {w.s("")} {w.u128(0)}
                                  (i64.const 0)))""")
    w.method("weight_one", f"""
      (drop (call $storage_write {w.s("k")} {w.s("v")} (i64.const 0)))
      (call $promise_batch_action_function_call_weight
        (call $promise_batch_create {w.s("b.near")}) {w.s("g")} {w.s("")} {w.u128(0)}
        (i64.const 0) (i64.const 1))""")
    return w


def test_tv12_zero_gas_function_call_fails_its_creator(rt, alice):
    a = rt.deploy("a.near", zero_gas_contract().build())
    callee = Wat()
    callee.method("g", "(nop)")
    rt.deploy("b.near", callee.build())
    out = alice.call(a, "static_zero", gas=50 * TGAS)
    failed = out.receipts[0]
    assert failed.failure.kind == "NewReceiptValidationError"
    assert failed.failure.detail == "FunctionCallZeroAttachedGas"
    assert a.storage == {}  # state reverted
    assert not out.find(receiver="b.near")  # nothing emitted
    # with weight 1 the call gets the unused gas and runs
    out = alice.call(a, "weight_one", gas=50 * TGAS)
    assert out.error is None
    g = out.receipt(method="g")
    assert g.status == "success"
    f = out.receipts[0]
    assert not out.find(receiver="alice.near", is_refund=True, block_height=f.block_height + 1)


def test_tv13_out_of_gas_burns_all_prepaid_gas(rt, alice):
    w = Wat()
    w.method("spin", "(loop $l (br $l))")
    a = rt.deploy("a.near", w.build())
    before_a = a.balance
    gas = 5 * TGAS
    out = alice.call(a, "spin", deposit=NEAR, gas=gas)
    failed = out.receipts[0]
    assert failed.error_kind == "GasExceeded"
    assert failed.vm_gas_burnt == gas
    assert failed.gas_burnt == gas + call_exec_fees("spin", "")
    assert failed.gas_burnt == 5 * 10**12 + 108_059_500_000 + 780_000_000_000 + 2_235_934 * 4
    refunds = out.refunds
    assert [(r.receiver, r.deposit) for r in refunds] == [("alice.near", NEAR)]  # no gas refund
    assert a.balance - before_a == reward(gas) == 150_000_000_000_000_000_000


def test_tv14_over_limit_prepaid_gas_is_an_invalid_transaction(rt, alice, bob):
    before = alice.balance
    with pytest.raises(InvalidTransaction) as info:
        alice.call(bob, "hello", gas=10**15 + 1)
    assert "TotalPrepaidGasExceeded" in info.value.message
    assert alice.balance == before  # nothing charged
    alice.call(bob, "hello", gas=10**15)  # exactly the limit is valid (fails: no code)


def test_tv14_before_v83_the_limit_is_300_tgas():
    from near_safe.testing import Config, Runtime

    rt = Runtime(config=Config().with_protocol(82))
    alice = rt.create_account("alice.near")
    with pytest.raises(InvalidTransaction, match="TotalPrepaidGasExceeded"):
        alice.submit("bob.near", "hello", gas=300 * TGAS + 1)
    alice.submit("bob.near", "hello", gas=300 * TGAS)


# ------------------------------------------------------------------------------ TV16, TV17


def test_tv16_storage_staking_failure_rolls_back_the_receipt(rt, alice):
    w = Wat()
    value = b"v" * (1_960 - 40 - 1)  # one new record of 1_960 bytes: key "x"
    w.method("f", f"(drop (call $storage_write {w.s('x')} {w.s(value)} (i64.const 0)))")
    a = rt.deploy("a.near", w.build(), balance=10 * NEAR)
    view = rt.patch_state(a, amount=1 * NEAR, storage_usage=99_000)
    assert (view.amount, view.locked, view.storage_usage) == (NEAR, 0, 99_000)
    snap = rt.snapshot()
    out = alice.call(a, "f", gas=50 * TGAS)
    failed = out.receipts[0]
    required = 100_960 * 10**19
    assert failed.failure.kind == "LackBalanceForState"
    assert failed.failure.data == {"account_id": "a.near", "amount": required - NEAR}
    assert required - NEAR == 9_600_000_000_000_000_000_000
    assert b"x" not in a.storage and rt.account(a).storage_usage == 99_000
    rt.restore(snap)
    out = alice.call(a, "f", deposit=required - NEAR, gas=50 * TGAS)
    assert out.status == "success"
    assert rt.account(a).storage_usage == 100_960


def test_tv17_zero_balance_accounts(rt, alice):
    assert rt.account(alice).storage_usage == 182  # one ED25519 full-access key
    z = rt.create_account("zero.near", balance=0)
    rt.patch_state(z, storage_usage=770)
    assert rt.account(z).storage_usage == 770
    out = alice.transfer(z, 0)
    assert out.status == "success"  # 770 bytes need no balance
    rt.patch_state(z, storage_usage=771)
    out = alice.transfer(z, 0)
    assert out.receipts[0].failure.kind == "LackBalanceForState"
    assert out.receipts[0].failure.data["amount"] == 771 * 10**19 == 7_710_000_000_000_000_000_000


# ------------------------------------------------------------------------------ TV18


def test_tv18_block_ordering(rt, alice):
    w = caller_contract(callee="b.near", deposit=0)
    a = rt.deploy("a.near", w.build(), balance=5 * NEAR)
    callee = Wat()
    callee.method("g", "(nop)")
    callee.method("hello", "(nop)")
    rt.deploy("b.near", callee.build())
    me = rt.deploy("alice.near", noop_contract().build())
    local = me.call(me, "hello", gas=10 * TGAS)
    assert local.receipts[0].block_height == local.included_at  # same block
    remote = alice.call("b.near", "hello", gas=10 * TGAS)
    assert remote.receipts[0].block_height == remote.included_at + 1
    for r in remote.refunds:
        assert r.block_height == remote.receipts[0].block_height + 1
    out = alice.call(a, "f", gas=100 * TGAS)
    x = out.receipt(method="f").block_height
    assert out.receipt(method="g").block_height == x + 1
    assert out.receipt(method="cb").block_height == x + 2


def test_tv18_local_receipts_run_before_incoming_ones(rt, alice, bob):
    me = rt.deploy("carol.near", noop_contract().build())
    rt.deploy("dave.near", noop_contract().build())
    remote = bob.submit("dave.near", "hello", gas=10 * TGAS)
    rt.produce_blocks(1)  # bob's receipt is now outgoing: it runs in the next block
    local = me.submit(me, "hello", gas=10 * TGAS)  # included in that same next block
    first = rt.step()
    assert first.receiver == "carol.near"  # local first (docs/protocol.md 3.2 step 3, then 5)
    second = rt.step()
    assert second.receiver == "dave.near" and second.block_height == first.block_height
    rt.run()
    assert local.outcome().status == remote.outcome().status == "success"


# ------------------------------------------------------------------------------ TV19, TV20


def test_tv19_balance_visibility_inside_the_vm(rt, alice):
    w = Wat()
    body = f"""
      {store_balance(w, "bal0")}
      (call $promise_batch_action_transfer (call $promise_batch_create {w.s("bob.near")})
                                           {w.u128(2 * NEAR)})
      {store_balance(w, "bal1")}"""
    w.method("f", body)
    w.method("f_then_fail", body + f"(call $panic_utf8 {w.s('late')})")
    w.method("overdraw", f"""(call $promise_batch_action_transfer
        (call $promise_batch_create {w.s("bob.near")}) {w.u128(12 * NEAR)})""")
    a = rt.deploy("a.near", w.build(), balance=10 * NEAR)
    rt.create_account("bob.near", balance=0)
    snap = rt.snapshot()
    out = alice.call(a, "f", deposit=NEAR, gas=50 * TGAS)
    state = a.storage
    assert int.from_bytes(state[b"bal0"], "little") == 11 * NEAR
    assert int.from_bytes(state[b"bal1"], "little") == 9 * NEAR
    f = out.receipts[0]
    assert a.balance == 9 * NEAR + reward(f.vm_gas_burnt)
    transfer = out.receipt(receiver="bob.near")
    assert transfer.block_height == f.block_height + 1 and rt.balance("bob.near") == 2 * NEAR
    rt.restore(snap)
    out = alice.call(a, "f_then_fail", deposit=NEAR, gas=50 * TGAS)
    assert a.balance == 10 * NEAR + reward(out.receipts[0].vm_gas_burnt)
    assert [(r.receiver, r.deposit) for r in out.refunds][0] == ("alice.near", NEAR)
    out = alice.call(a, "overdraw", deposit=NEAR, gas=50 * TGAS)
    assert out.receipts[0].failure.data["host_error"] == "BalanceExceeded"
    assert rt.balance("bob.near") == 0


def test_tv20_deposit_of_a_failed_batch_is_refunded_in_full(rt, alice):
    w = Wat()
    w.method("new", f"(call $panic_utf8 {w.s('no')})")
    code = rt.contract_code(w.build()).code
    before = alice.balance
    out = alice.execute("sub.alice.near", [
        CreateAccount(), Transfer(deposit=5 * NEAR), DeployContract(code=code),
        FunctionCall("new", b"", 50 * TGAS, deposit=1 * NEAR)])
    failed = out.receipts[0]
    assert failed.failure.index == 3
    assert not rt.exists("sub.alice.near")  # the creation was rolled back
    assert [(r.receiver, r.deposit) for r in out.refunds][0] == ("alice.near", 6 * NEAR)
    assert before - alice.balance == out.tokens_burnt


def test_tv20_same_batch_succeeds_and_the_actor_becomes_the_new_account(rt, alice):
    w = Wat()
    w.method("new", f"(drop (call $storage_write {w.s('k')} {w.s('v')} (i64.const 0)))")
    code = rt.contract_code(w.build()).code
    out = alice.execute("sub.alice.near", [
        CreateAccount(), Transfer(deposit=5 * NEAR), DeployContract(code=code),
        FunctionCall("new", b"", 50 * TGAS, deposit=1 * NEAR)])
    assert out.status == "success"
    view = rt.account("sub.alice.near")
    assert view.storage_usage == 100 + len(code) + 1 + 1 + 40
    assert view.amount == 6 * NEAR + reward(out.receipts[0].vm_gas_burnt)


# ------------------------------------------------------------------------------ TV21, TV22


def test_tv21_refund_receipts_cost_nothing_and_refund_nothing(rt, alice):
    out = alice.call("ghost.near", "hello", deposit=NEAR, gas=20 * TGAS)
    for refund in out.refunds:
        assert refund.predecessor == "system"
        assert refund.tokens_burnt == 0 and refund.gas_burnt > 0
        assert refund.produced == ()
    assert out.tokens_burnt == (out.conversion_gas_burnt + out.receipts[0].gas_burnt) * P


def test_tv21_deposit_refund_to_a_deleted_account_is_burnt(rt, alice):
    temp = rt.create_account("temp.near", balance=10 * NEAR)
    total_before = sum(rt.balance(a) for a in rt.accounts)
    temp.submit("ghost.near", "hello", deposit=3 * NEAR, gas=20 * TGAS)
    failed = rt.step()  # ghost.near's receipt fails; its refunds run in the next block
    assert failed.failure.kind == "AccountDoesNotExist"
    deleted = temp.submit_actions(temp, [DeleteAccount(beneficiary_id="alice.near")])
    outs = rt.run()
    assert outs[0].actions == ("DeleteAccount",)  # local receipt: before the refunds
    refunds = [o for o in outs if o.is_refund and o.receiver == "temp.near"]
    assert len(refunds) == 2 and all(r.error_kind == "AccountDoesNotExist" for r in refunds)
    assert not rt.exists("temp.near")
    lost = sum(r.deposit for r in refunds)
    assert lost == 3 * NEAR + 20 * TGAS * P
    burnt = (failed.tokens_burnt + deleted.outcome().tokens_burnt
             + (call_conversion_burn("hello", "") * P))
    assert total_before - sum(rt.balance(a) for a in rt.accounts) == burnt + lost


def test_tv21_gas_refund_tops_up_a_function_call_key_allowance(rt, alice):
    deploy_noop(rt)
    pk = b"\x00" + bytes(range(32))
    allowance = NEAR // 10
    add = alice.execute(alice, [AddKey(pk, AccessKey(allowance=allowance, receiver_id="bob.near",
                                                     method_names=["hello"]))])
    assert add.status == "success"
    assert rt.account(alice).storage_usage == 182 + 33 + 9 + 1 + 16 + 4 + 8 + 4 + 4 + 5 + 40
    out = alice.call("bob.near", "hello", gas=100 * TGAS, public_key=pk)
    assert out.status == "success"
    total_cost = (call_conversion_burn("hello", "") + call_exec_fees("hello", "")
                  + 100 * TGAS) * P
    [gas_refund] = out.refunds
    key = rt.access_keys(alice)[pk]
    assert key.allowance == allowance - total_cost + gas_refund.deposit
    with pytest.raises(InvalidTransaction, match="MethodNameMismatch"):
        alice.submit("bob.near", "ret42", public_key=pk)
    with pytest.raises(InvalidTransaction, match="DepositWithFunctionCall"):
        alice.submit("bob.near", "hello", deposit=1, public_key=pk)
    with pytest.raises(InvalidTransaction, match="ReceiverMismatch"):
        alice.submit("carol.near", "hello", public_key=pk)


def test_tv22_contract_reward_is_credited_in_the_same_receipt(rt, alice):
    bob = deploy_noop(rt)
    before = bob.balance
    out = alice.call(bob, "ret42", gas=30 * TGAS)
    r = out.receipts[0]
    assert r.vm_gas_burnt > 0
    assert bob.balance - before == r.contract_reward == reward(r.vm_gas_burnt)
    assert r.tokens_burnt == r.gas_burnt * P  # the reward is not subtracted here


# ------------------------------------------------------------------------------ TV25


def yield_contract():
    w = Wat()
    w.method("f", f"""
      (drop (call $promise_yield_create {w.s("cb")} {w.s("")} (i64.const {10 * TGAS})
                                        (i64.const 0) (i64.const 0)))
      {store_register(w, "yid", 0)}""")
    callback_recorder(w, "cb")
    # resume: input = 32-byte data id followed by the payload
    w.method("resume", f"""
      (call $input (i64.const 0))
      (call $read_register (i64.const 0) (i64.const {SCRATCH}))
      (local.set $x (i64.extend_i32_u (call $promise_yield_resume
          (i64.const 32) (i64.const {SCRATCH})
          (i64.sub (call $register_len (i64.const 0)) (i64.const 32))
          (i64.const {SCRATCH + 32}))))
      {store_i64(w, "resumed", "(local.get $x)")}""")
    return w


def test_tv25_yield_resumed_delivers_the_payload(rt, alice):
    a = rt.deploy("a.near", yield_contract().build())
    tx = alice.submit(a, "f", gas=100 * TGAS)
    out = tx.wait()
    assert out.status == "pending"  # the yielded callback waits for its resume
    [waiting] = [p for p in rt.pending() if p.kind == "yield"]
    assert waiting.method == "cb" and waiting.waiting_for_data
    yid = a.storage[b"yid"]
    assert len(yid) == 32
    r1 = alice.call(a, "resume", yid + b"payload", gas=50 * TGAS)
    assert u64_at(a.storage, "resumed") == 1
    state = a.storage
    assert (u64_at(state, "status"), state[b"data"]) == (1, b"payload")
    assert r1.status == "success"
    # the callback belongs to the first transaction's tree, which is now done
    done = tx.outcome()
    assert done.status == "success" and done.receipt(method="cb").value == "payload"
    alice.call(a, "resume", yid + b"again", gas=50 * TGAS)
    assert u64_at(a.storage, "resumed") == 0  # the callback already ran
    too_big = alice.call(a, "resume", yid + b"x" * 1025, gas=50 * TGAS)
    assert too_big.receipts[0].failure.data["host_error"] == "YieldPayloadLength"


def test_tv25_yield_times_out_after_200_blocks(rt, alice):
    a = rt.deploy("a.near", yield_contract().build())
    out = alice.call(a, "f", gas=100 * TGAS)
    x = out.receipt(method="f").block_height
    rt.produce_blocks(x + 199 - rt.height)  # up to block X + 199: still waiting
    assert [p.kind for p in rt.pending()] == ["yield"]
    outs = rt.produce_blocks(1)  # block X + 200 emits PromiseResume{None}
    # the resume is queued; the yield stays in state until the resume is processed
    assert outs == [] and sorted(p.kind for p in rt.pending()) == ["resume", "yield"]
    cb = rt.step()
    assert cb.method == "cb" and cb.block_height == x + 201
    assert u64_at(a.storage, "status") == 2  # Failed
    alice.call(a, "resume", a.storage[b"yid"] + b"late", gas=50 * TGAS)
    assert u64_at(a.storage, "resumed") == 0


# ------------------------------------------------------------------------------ TV26


def test_tv26_contract_loading_fee(rt, alice):
    w = Wat()
    w.method("hello", "(nop)")
    small_code = rt.contract_code(w.build()).code
    padding = b"\x00" * 20_000  # a custom section: bytes that change nothing but the size
    name = b"pad"
    body = bytes([len(name)]) + name + padding
    size, leb = len(body), b""
    while True:
        byte, size = size & 0x7F, size >> 7
        leb += bytes([byte | (0x80 if size else 0)])
        if not size:
            break
    small = rt.deploy("small.near", small_code)
    big = rt.deploy("big.near", small_code + b"\x00" + leb + body)
    n_small = rt.account(small).code_size
    n_big = rt.account(big).code_size
    g_small = alice.call(small, "hello", gas=30 * TGAS).receipts[0].vm_gas_burnt
    g_big = alice.call(big, "hello", gas=30 * TGAS).receipts[0].vm_gas_burnt
    assert g_small >= EXT["contract_loading_base"] + EXT["contract_loading_bytes"] * n_small
    assert g_big - g_small == EXT["contract_loading_bytes"] * (n_big - n_small)
    missing = alice.call(big, "nope", gas=30 * TGAS).receipts[0]
    assert missing.vm_gas_burnt == 0
