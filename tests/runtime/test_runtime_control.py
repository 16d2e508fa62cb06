"""Runtime control and bookkeeping: submit/step/pending interleaving, snapshots, failure
injection, conservation of tokens, actions' permission rules (docs/protocol.md 1.1, 1.2), views."""

import pytest

from near_safe.errors import ExecutionFailure, NearSafeError
from near_safe.testing import (NEAR, TGAS, AccessKey, AddKey, CreateAccount, DeleteAccount,
                               DeleteKey, DeployContract, InvalidTransaction, Runtime, Stake,
                               Transfer)
from rtfees import P, exe, send
from rtwat import Wat, callback_recorder, u64_at


def flow_contracts(rt):
    """a.near: f = b.g().then(a.cb) writing 'f'; poke writes 'poke'; b.g returns "42"."""
    a = Wat()
    a.method("f", f"""
      (drop (call $storage_write {a.s("f")} {a.s("1")} (i64.const 0)))
      (drop (call $promise_then
        (call $promise_create {a.s("b.near")} {a.s("g")} {a.s("")} {a.u128(0)}
                              (i64.const {10 * TGAS}))
        {a.s("a.near")} {a.s("cb")} {a.s("")} {a.u128(0)} (i64.const {10 * TGAS})))""")
    a.method("poke", f"""
      (call $log_utf8 {a.s("poked")})
      (drop (call $storage_write {a.s("poke")} {a.s("1")} (i64.const 0)))""")
    callback_recorder(a, "cb")
    b = Wat()
    b.method("g", f"(call $log_utf8 {b.s('in g')}) (call $value_return {b.s('42')})")
    return rt.deploy("a.near", a.build()), rt.deploy("b.near", b.build())


def total_supply(rt):
    return sum(rt.account(a).amount + rt.account(a).locked for a in rt.accounts)


# ------------------------------------------------------------------------------ interleaving


def test_a_transaction_can_run_while_a_callback_waits(rt, alice, bob):
    a, b = flow_contracts(rt)
    tx = alice.submit(a, "f", gas=100 * TGAS)
    assert [(p.kind, p.method) for p in rt.pending()] == [("transaction", "f")]
    f = rt.step()
    assert f.method == "f" and f.status == "success"
    pending = {p.method: p for p in rt.pending()}
    assert pending["g"].runs_at == rt.height + 1 and not pending["g"].waiting_for_data
    assert pending["cb"].waiting_for_data and pending["cb"].runs_at is None
    assert pending["g"].runs_at == f.block_height + 1
    # the callback waits for g's data: slip another transaction in; it is included in the
    # block where g runs and executes in the next one, before the data reaches cb
    poke = bob.submit(a, "poke", gas=10 * TGAS)
    outs = [o for o in rt.run() if not o.is_refund]
    assert [o.method for o in outs] == ["g", "poke", "cb"]
    assert outs[1].block_height == outs[2].block_height == f.block_height + 2
    assert poke.outcome().logs == ["poked"]
    out = tx.outcome()
    assert out.status == "success" and out.logs == ["in g"]
    assert u64_at(a.storage, "status") == 1 and a.storage[b"data"] == b"42"
    assert rt.step() is None and rt.pending() == []


def test_tx_outcome_is_pending_until_its_whole_tree_ran(rt, alice):
    a, _ = flow_contracts(rt)
    tx = alice.submit(a, "f", gas=100 * TGAS)
    rt.step()
    assert tx.outcome().status == "pending" and not tx.done
    rt.run()
    methods = [r.method for r in tx.outcome().receipts if not r.is_refund]
    assert tx.done and methods == ["f", "g", "cb"]


def test_step_returns_none_when_idle_and_run_returns_every_outcome(rt, alice, bob):
    assert rt.step() is None
    height = rt.height
    alice.submit(bob, "x")
    outs = rt.run()
    assert [o.receiver for o in outs][0] == "bob.near"
    assert rt.height > height and rt.step() is None


# ------------------------------------------------------------------------------ snapshots


def test_snapshot_restore_isolates_balances_storage_accounts_and_queues(rt, alice):
    a, _ = flow_contracts(rt)
    alice.call(a, "poke")
    snap = rt.snapshot()
    before = (rt.height, alice.balance, a.storage, rt.accounts, rt.pending())
    alice.call(a, "f", gas=100 * TGAS)
    rt.create_account("new.near")
    rt.restore(snap)
    assert (rt.height, alice.balance, a.storage, rt.accounts, rt.pending()) == before
    alice.call(a, "f", gas=100 * TGAS)  # the snapshot stays usable
    rt.restore(snap)
    assert a.storage == before[2]


def test_snapshot_in_flight_replays_the_same_callback(rt, alice, bob):
    a, _ = flow_contracts(rt)
    tx = alice.submit(a, "f", gas=100 * TGAS)
    rt.step()
    rt.step()  # g ran; cb waits for its data
    snap = rt.snapshot()
    first = tx.wait()
    rt.restore(snap)
    assert [p.method for p in rt.pending() if p.waiting_for_data] == ["cb"]
    bob.call(a, "poke")  # a different interleaving this time
    second = tx.outcome()
    assert second.status == "success"
    assert [r.method for r in first.receipts] == [r.method for r in second.receipts]
    assert first.receipt(method="cb").gas_burnt == second.receipt(method="cb").gas_burnt


def test_snapshot_shares_committed_contract_data(rt):
    """Why snapshots are cheap: committed accounts are never mutated, so a snapshot shares
    each account's data dict instead of copying 1,000 keys (see bench for timings)."""
    rt.create_account("big.near")
    rt.patch_state("big.near", data={f"k{i}": b"v" for i in range(1000)})
    snap = rt.snapshot()
    assert snap._state.accounts["big.near"] is rt._state.accounts["big.near"]
    rt.patch_state("big.near", data={"k0": None})
    assert len(snap._state.accounts["big.near"].data) == 1000
    rt.restore(snap)
    assert len(rt.storage("big.near")) == 1000


# ------------------------------------------------------------------------------ failures


def test_fail_next_panic_and_out_of_gas(rt, alice):
    a, _ = flow_contracts(rt)
    rt.fail_next("b.near", "g", kind="panic")
    out = alice.call(a, "f", gas=100 * TGAS)
    g = out.receipt(method="g")
    assert g.error == "Smart contract panicked: injected failure"
    assert u64_at(a.storage, "status") == 2  # the callback saw the failure
    rt.fail_next(a, kind="out_of_gas")
    out = alice.call(a, "poke", gas=7 * TGAS)
    assert out.receipts[0].error_kind == "GasExceeded"
    assert out.receipts[0].vm_gas_burnt == 7 * TGAS
    assert b"poke" not in a.storage
    assert alice.call(a, "poke").status == "success"  # consumed: the next call is normal
    with pytest.raises(NearSafeError):
        rt.fail_next(a, kind="explode")


def test_tokens_are_conserved_except_burnt_gas_and_rewards(rt, alice):
    a, b = flow_contracts(rt)
    supply = total_supply(rt)
    outs = [alice.call(a, "f", deposit=NEAR, gas=100 * TGAS),
            alice.call("ghost.near", "x", deposit=2 * NEAR),
            alice.transfer(b, NEAR)]
    rt.fail_next(b, "g")
    outs.append(alice.call(a, "f", gas=100 * TGAS))
    burnt = sum(o.tokens_burnt for o in outs)
    rewards = sum(r.contract_reward for o in outs for r in o.receipts)
    assert burnt > 0 and (rewards > 0) == (rt.config.burnt_gas_reward[0] > 0)  # 0 from 87
    assert supply - total_supply(rt) == burnt - rewards


# ------------------------------------------------------------------------------ actions


def test_create_account_rules(rt, alice, bob):
    out = bob.execute("sub.alice.near", [CreateAccount(), Transfer(deposit=NEAR)])
    assert out.receipts[0].failure.kind == "CreateAccountNotAllowed"
    out = alice.execute("short", [CreateAccount(), Transfer(deposit=NEAR)])
    assert out.receipts[0].failure.kind == "CreateAccountOnlyByRegistrar"
    out = alice.execute("deep.sub.alice.near", [CreateAccount(), Transfer(deposit=NEAR)])
    assert out.receipts[0].failure.kind == "CreateAccountNotAllowed"  # direct parent only
    out = alice.execute("sub.alice.near", [CreateAccount(), Transfer(deposit=NEAR)])
    assert out.status == "success" and rt.balance("sub.alice.near") == NEAR
    assert rt.account("sub.alice.near").storage_usage == 100  # no key yet
    out = alice.execute("sub.alice.near", [CreateAccount()])
    assert out.receipts[0].failure.kind == "AccountAlreadyExists"


def test_owner_only_actions_need_the_account_itself(rt, alice, bob):
    for action in (DeployContract(code=b"\0asm\1\0\0\0"), AddKey(b"\0" + bytes(32), AccessKey()),
                   DeleteKey(bob.public_key), Stake(NEAR, bob.public_key),
                   DeleteAccount("alice.near")):
        out = alice.execute(bob, [action])
        assert out.receipts[0].failure.kind == "ActorNoPermission", action


def test_keys_storage_and_delete_account(rt, alice):
    carol = rt.create_account("carol.near", balance=5 * NEAR)
    pk = b"\x00" + bytes(range(32))
    carol.execute(carol, [AddKey(pk, AccessKey())])
    view = rt.account(carol)
    assert view.storage_usage == 182 + 82 and view.keys == 2
    carol.execute(carol, [DeleteKey(pk)])
    assert rt.account(carol).storage_usage == 182
    out = carol.execute(carol, [DeleteKey(pk)])
    assert out.receipts[0].failure.kind == "DeleteKeyDoesNotExist"
    before = alice.balance
    out = carol.execute(carol, [DeleteAccount("alice.near")])
    assert not rt.exists("carol.near")
    [to_alice] = out.find(receiver="alice.near")
    assert to_alice.is_refund and alice.balance == before + to_alice.deposit
    assert to_alice.block_height == out.receipts[0].block_height + 1


def test_add_key_nonce_is_height_times_a_million(rt, alice):
    pk = b"\x00" + bytes(range(32))
    out = alice.execute(alice, [AddKey(pk, AccessKey())])
    assert rt.access_keys(alice)[pk].nonce == (out.receipts[0].block_height - 1) * 1_000_000
    assert alice.execute("bob.near", [Transfer(1)], public_key=pk).status == "failure"
    rt.create_account("bob.near")
    assert alice.execute("bob.near", [Transfer(1)], public_key=pk).status == "success"


def test_stake_moves_balance_to_locked(rt):
    v = rt.create_account("validator.near", balance=2_000 * NEAR)  # above the minimum stake
    out = v.execute(v, [Stake(1_000 * NEAR, v.public_key)])
    assert out.status == "success"
    view = rt.account(v)
    assert view.locked == 1_000 * NEAR and view.amount < 1_000 * NEAR
    out = v.execute(v, [DeleteAccount("validator.near")])
    assert out.receipts[0].failure.kind == "DeleteAccountStaking"


def test_invalid_transactions_charge_nothing(rt, alice, bob):
    before = alice.balance
    with pytest.raises(InvalidTransaction, match="NotEnoughBalance"):
        alice.submit_actions(bob, [Transfer(deposit=1000 * NEAR)])
    rt.patch_state(alice, storage_usage=1_225)  # above the free 770
    gas_cost = (send("action_receipt_creation") + send("transfer")
                + exe("action_receipt_creation") + exe("transfer")) * P
    with pytest.raises(InvalidTransaction, match="LackBalanceForState"):
        alice.submit_actions(bob, [Transfer(deposit=alice.balance - gas_cost - 10**21)])
    before = alice.balance
    with pytest.raises(InvalidTransaction, match="DeleteActionMustBeFinal"):
        alice.submit_actions(alice, [DeleteAccount("bob.near"), Transfer(1)])
    with pytest.raises(InvalidTransaction, match="RequiresFullAccess"):
        pk = b"\x00" + bytes(range(32))
        alice.execute(alice, [AddKey(pk, AccessKey(receiver_id="bob.near"))])
        alice.submit_actions(bob, [Transfer(1)], public_key=pk)
    assert alice.balance < before  # only the AddKey transaction was charged
    assert rt.pending() == []


def test_a_transaction_invalid_at_inclusion_is_recorded_not_run(rt, alice, bob):
    first = alice.submit_actions(bob, [Transfer(deposit=60 * NEAR)])
    second = alice.submit_actions(bob, [Transfer(deposit=60 * NEAR)])  # valid when submitted
    rt.run()
    assert first.outcome().status == "success"
    out = second.outcome()
    assert out.status == "invalid" and "NotEnoughBalance" in out.error
    assert out.receipts == ()


# ------------------------------------------------------------------------------ views & API


def test_view_returns_the_value_and_raises_on_failure(rt):
    w = Wat()
    value = w.s('{"n": 3}')
    w.method("get", f"(call $value_return {value})")
    w.method("boom", f"(call $panic_utf8 {w.s('nope')})")
    w.method("write", f"(drop (call $storage_write {w.s('k')} {w.s('v')} (i64.const 0)))")
    c = rt.deploy("c.near", w.build())
    assert rt.view(c, "get") == {"n": 3} == c.view("get")
    with pytest.raises(ExecutionFailure, match="Smart contract panicked: nope"):
        rt.view(c, "boom")
    with pytest.raises(ExecutionFailure, match="ProhibitedInView|storage_write"):
        rt.view(c, "write")
    assert c.storage == {}


def test_outcome_helpers_and_repr(rt, alice):
    a, _ = flow_contracts(rt)
    out = alice.call(a, "f", gas=100 * TGAS)
    text = repr(out)
    assert "alice.near -> a.near" in text and "cb" in text and "Tgas" in text
    assert out.unwrap() is None
    assert out.receipt(method="g").value == 42
    with pytest.raises(LookupError):
        out.receipt(method="nope")
    failing = alice.call("ghost.near", "x")
    with pytest.raises(ExecutionFailure) as info:
        failing.unwrap()
    assert info.value.outcome is failing and "doesn't exist" in str(info.value)
    assert out.gas_burnt == out.conversion_gas_burnt + sum(
        r.gas_burnt for r in out.receipts if not r.is_refund)


def test_deploy_needs_balance_for_its_code(rt):
    w = Wat()
    w.method("hello", "(nop)")
    with pytest.raises(NearSafeError, match="balance="):
        rt.deploy("poor.near", w.build(), balance=0)
    assert not rt.exists("poor.near")


def test_bad_arguments_name_the_fix():
    with pytest.raises(NearSafeError, match="mode="):
        Runtime(mode="jit")
    rt = Runtime()
    with pytest.raises(NearSafeError, match="invalid NEAR account id"):
        rt.create_account("Alice")
    with pytest.raises(NearSafeError, match="does not exist"):
        rt.balance("nobody.near")


def test_star_import_works():
    ns = {}
    exec("from near_safe.testing import *", ns)
    assert {"Runtime", "NEAR", "TGAS", "TxOutcome"} <= set(ns)


def test_refund_to_redirects_the_deposit_refund(rt, alice):
    """docs/protocol.md 4.3 (v82+): promise_set_refund_to sends a failed receipt's deposit there."""
    a = Wat()
    a.method("f", f"""
      (local.set $p (call $promise_create {a.s("b.near")} {a.s("g")} {a.s("")} {a.u128(NEAR)}
                                          (i64.const {10 * TGAS})))
      (call $promise_set_refund_to (local.get $p) {a.s("carol.near")})""")
    b = Wat()
    b.method("g", f"(call $panic_utf8 {b.s('no')})")
    rt.deploy("a.near", a.build(), balance=5 * NEAR)
    rt.deploy("b.near", b.build())
    carol = rt.create_account("carol.near", balance=0)
    out = alice.call("a.near", "f", gas=50 * TGAS)
    [refund] = out.find(receiver="carol.near")
    assert refund.is_refund and refund.deposit == NEAR and carol.balance == NEAR


def test_delete_account_with_large_state_fails(rt):
    big = rt.create_account("big.near", balance=NEAR)
    rt.patch_state(big, storage_usage=10_001)
    out = big.execute(big, [DeleteAccount("alice.near")])
    assert out.receipts[0].failure.kind == "DeleteAccountWithLargeState"
    assert rt.exists(big)


def test_transfer_to_a_near_implicit_account_creates_it(rt, alice):
    implicit = bytes(range(32)).hex()
    out = alice.transfer(implicit, NEAR)
    assert out.status == "success"
    view = rt.account(implicit)
    assert (view.amount, view.storage_usage, view.keys) == (NEAR, 182, 1)
    assert b"\x00" + bytes(range(32)) in rt.access_keys(implicit)
    # implicit-account transfers also pay create_account + add_full_access_key
    # (docs/protocol.md 3.1)
    assert out.conversion_gas_burnt == (send("action_receipt_creation") + send("transfer")
                                        + send("create_account") + send("add_full_access_key"))


def test_a_single_delete_account_receipt_runs_in_the_same_block(rt, alice):
    """InstantDeleteAccount (v83+, docs/protocol.md 3.2): processed right after the receipt creating
    it."""
    w = Wat()
    w.method("close", f"""(call $promise_batch_action_delete_account
        (call $promise_batch_create {w.s("temp.near")}) {w.s("alice.near")})""")
    temp = rt.deploy("temp.near", w.build(), balance=NEAR)
    out = alice.call(temp, "close", gas=20 * TGAS)
    close, delete = out.receipt(method="close"), out.receipt(actions=("DeleteAccount",))
    assert delete.status == "success" and delete.block_height == close.block_height
    assert not rt.exists("temp.near")


def test_receipts_beyond_the_chunk_gas_limit_wait_for_the_next_block():
    """docs/protocol.md 3.2 steps 3-5: once a block has burnt the chunk gas limit, the remaining
    receipts are delayed; next block they run after its local receipts and before its incoming
    ones."""
    from dataclasses import replace

    from near_safe.testing import Config

    config = Config()
    config = replace(config, limits={**config.limits, "chunk_gas_limit": 1})
    rt = Runtime(config=config)
    users = [rt.create_account(f"u{i}.near") for i in range(3)]
    target = rt.create_account("t.near")
    txs = [u.submit_actions(target, [Transfer(deposit=1)]) for u in users]
    rt.run()
    heights = [tx.outcome().receipts[0].block_height for tx in txs]
    assert heights == [heights[0], heights[0] + 1, heights[0] + 2]
    assert rt.balance(target) == 100 * NEAR + 3


def test_account_ids_with_a_trailing_newline_are_invalid():
    """'$' in a regex also matches before a final newline; NEAR's rule does not allow it."""
    from near_safe.errors import RuntimeSimError
    from near_safe.testing._runtime import validate_account_id
    from near_safe.testing.vm.logic import is_valid_account_id

    assert is_valid_account_id("alice.near") and not is_valid_account_id("alice.near\n")
    with pytest.raises(RuntimeSimError, match="invalid NEAR account id"):
        validate_account_id("alice.near\n")
