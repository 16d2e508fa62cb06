"""The proof flows of issue 3, on the embedded runtime in Wasm and CPython mode:
deposit-and-stake (NEAR's callback guidance) and a token withdraw (debit with rollback)."""

import json
import re

import pytest

from near_safe.testing import NEAR, TGAS, safe_call_reserve

STAKE = 5 * NEAR
GAS = 300 * TGAS


def _transfers_to(out, account, amount):
    """Non-refund Transfer receipts paying ``amount`` to ``account`` from the vault."""
    return [r for r in out.receipts if r.receiver == account and r.predecessor == "vault.near"
            and r.actions == ("Transfer",) and not r.is_refund and r.deposit == amount]


def _deposit_back(out, account, amount):
    """The protocol's refunds of a failed call's deposit (refund_to) reaching ``account``."""
    return [r for r in out.receipts if r.receiver == account and r.predecessor == "system"
            and r.is_refund and r.deposit == amount]


def _ns_keys(world):
    """near_safe's in-flight records and locks left in the vault's state."""
    return [k for k in world.storage() if k.startswith((b"_ns:op:", b"_ns:lock:"))]


# --- deposit and stake -------------------------------------------------------------------------


@pytest.mark.backend_refuses
def test_stake_happy_path_credits_after_success_and_unlocks(world):
    before = world.rt.balance("alice.near")
    out = world.alice.call(world.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    assert out.status == "success" and out.error is None
    assert out.value is True
    assert world.staked() == STAKE
    assert _ns_keys(world) == []
    paid = before - world.rt.balance("alice.near")
    assert STAKE <= paid < STAKE + NEAR // 100  # the stake plus gas, nothing else


@pytest.mark.backend_refuses
def test_stake_failure_refunds_the_exact_deposit_to_the_user(world):
    world.alice.call(world.staking, "set_fail", {"fail": True}).unwrap()
    before = world.rt.balance("alice.near")
    out = world.alice.call(world.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    assert "staking pool is failing" in out.error
    assert out.value is False
    assert len(_deposit_back(out, "alice.near", STAKE)) == 1  # by the protocol (refund_to)
    assert _transfers_to(out, "alice.near", STAKE) == []  # not out of the vault's balance
    assert world.staked() == 0
    assert int(world.view("claimable_of", {"account_id": "alice.near"})) == 0
    assert _ns_keys(world) == []
    assert before - world.rt.balance("alice.near") < NEAR // 100  # only gas was spent


@pytest.mark.backend_refuses
def test_withdraw_between_call_and_callback_pays_nothing_twice(world):
    world.alice.call(world.staking, "set_fail", {"fail": True}).unwrap()
    before = world.rt.balance("alice.near")
    stake = world.alice.submit(world.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    first = world.rt.step()
    assert first.method == "deposit_and_stake" and first.succeeded
    assert "on_staked" in [p.method for p in world.rt.pending()]  # callback not run yet
    # In flight: nothing credited yet; the deposit sits under a key unique to this operation,
    # with the original caller, and the user is locked.
    assert world.staked() == 0
    records = {k: v for k, v in world.storage().items() if k.startswith(b"_ns:op:")}
    assert len(records) == 1
    record = json.loads(next(iter(records.values())))
    # everything settlement will use: caller, callback, signer, amounts, lock; no refund of
    # the deposit (if the pool's receipt fails NEAR returns it to alice itself)
    assert record == {"u": "alice.near", "t": "on_staked", "s": "alice.near",
                      "c": ["staked", "alice.near", str(STAKE)], "l": "alice.near"}
    assert b"_ns:lock:alice.near" in world.storage()
    # The attacker's move of the guidance: withdraw while the staking call is in flight.
    grab = world.alice.submit(world.vault, "withdraw", {"amount": str(STAKE)})
    world.rt.run()
    out, grabbed = stake.outcome(), grab.outcome()
    callback = out.receipt("on_staked")
    withdraw = grabbed.receipt("withdraw")
    assert withdraw.block_height <= callback.block_height  # it really ran in between
    assert grabbed.status == "failure" and "Locked: alice.near" in grabbed.error
    assert len(_deposit_back(out, "alice.near", STAKE)) == 1  # the deposit back, once
    assert before - world.rt.balance("alice.near") < NEAR // 100
    assert world.staked() == 0
    # And once settled, there is nothing to withdraw either.
    again = world.alice.call(world.vault, "withdraw", {"amount": str(STAKE)})
    assert "Not enough balance in staked for alice.near" in again.error


@pytest.mark.backend_refuses
def test_too_little_gas_is_rejected_before_any_state_change(world):
    state_before = world.storage()
    before = world.rt.balance("alice.near")
    # what safe_call reserves: enough to start the method on either backend, not for the check
    out = world.alice.call(world.vault, "deposit_and_stake", deposit=STAKE,
                           gas=safe_call_reserve(world.rt))
    assert out.status == "failure"
    m = re.search(r"Method deposit_and_stake: not enough gas: attach at least (\d+) Tgas",
                  out.error)
    assert m, out.error
    assert world.storage() == state_before
    assert before - world.rt.balance("alice.near") < NEAR // 100  # deposit came back
    # The figure in the message is enough: attaching exactly that succeeds.
    ok = world.alice.call(world.vault, "deposit_and_stake", deposit=STAKE,
                          gas=int(m.group(1)) * TGAS)
    assert ok.status == "success" and ok.error is None, ok
    assert world.staked() == STAKE


@pytest.mark.backend_refuses
def test_raising_callback_body_still_refunds_and_unlocks(world):
    world.alice.call(world.vault, "set_raise_in_callback", {"flag": True}, deposit=1).unwrap()
    world.alice.call(world.staking, "set_fail", {"fail": True}).unwrap()
    before = world.rt.balance("alice.near")
    out = world.alice.call(world.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    cb = out.receipt("on_staked")
    assert cb.succeeded  # the callback did not abort
    assert any("Method on_staked: callback body raised ValueError: boom" in line
               for line in cb.logs), cb.logs
    assert len(_deposit_back(out, "alice.near", STAKE)) == 1
    assert before - world.rt.balance("alice.near") < NEAR // 100
    assert _ns_keys(world) == []  # unlocked, operation settled
    assert b"written_by_raising_body" not in world.storage()  # the body's write was dropped


@pytest.mark.backend_refuses
def test_raising_callback_body_on_success_still_credits(world):
    world.alice.call(world.vault, "set_raise_in_callback", {"flag": True}, deposit=1).unwrap()
    out = world.alice.call(world.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    assert out.receipt("on_staked").succeeded
    assert world.staked() == STAKE
    assert _ns_keys(world) == []
    assert b"written_by_raising_body" not in world.storage()


@pytest.mark.backend_refuses
def test_large_callee_result_does_not_starve_the_settlement(world):
    """A callee answering with 12 KB: the result is copied in (the host does that) but never
    decoded by a callback that only settles, so CALLBACK_GAS suffices (near_safe's explorer
    found this starving the first version, which decoded up to 16 KB eagerly)."""
    out = world.alice.call(world.vault, "deposit_and_stake_loud", {"n": 12000}, deposit=STAKE,
                           gas=GAS)
    cb = out.receipt("on_staked")
    assert cb.succeeded, cb
    assert len(out.receipt("deposit_and_stake_loud", receiver="staking.near").raw_value) == 12000
    assert out.value is False  # the body saw result.ok False: above max_result, not decoded
    assert world.staked() == STAKE
    assert _ns_keys(world) == []


@pytest.mark.backend_refuses
def test_callback_body_cannot_refund_a_deposit_that_left(world):
    """The pool accepted the stake; the body tries to give half back out of the vault's balance
    (half of a deposit that never came back): refused, logged, the defaults apply."""
    vault_before = world.rt.balance("vault.near")
    out = world.alice.call(world.vault, "deposit_and_stake_half", deposit=STAKE, gas=GAS)
    cb = out.receipt("on_staked_half")
    assert any("settlement adjustment refused" in line for line in cb.logs), cb.logs
    assert world.staked() == STAKE
    assert _transfers_to(out, "alice.near", STAKE // 2) == []
    assert world.rt.balance("vault.near") >= vault_before
    assert _ns_keys(world) == []


@pytest.mark.backend_refuses
def test_callback_body_turning_success_into_failure_pays_nothing_that_left(world):
    """set_ok(False) after the pool accepted: no credit, the lock released, and no "refund"
    of the deposit the pool holds (the callback cannot take it back)."""
    vault_before = world.rt.balance("vault.near")
    out = world.alice.call(world.vault, "deposit_and_stake_strict", deposit=STAKE, gas=GAS)
    assert out.receipt("deposit_and_stake_loud", receiver="staking.near").succeeded
    assert out.value is False
    assert world.staked() == 0
    assert _transfers_to(out, "alice.near", STAKE) == []
    assert world.rt.balance("vault.near") >= vault_before
    assert _ns_keys(world) == []


@pytest.mark.backend_refuses
def test_locked_user_cannot_start_a_second_operation(world):
    first = world.alice.submit(world.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    world.rt.step()
    second = world.alice.submit(world.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    world.rt.run()
    assert first.outcome().status == "success"
    assert "Locked: alice.near" in second.outcome().error
    assert world.staked() == STAKE


# --- callbacks cannot be called from outside ------------------------------------------------


def test_callback_called_by_a_user_is_private(world):
    state_before = world.storage()
    forged = {"_ns": {"o": 1, "u": "alice.near", "c": ["staked", "alice.near", str(STAKE)]}}
    for args in ({}, forged):
        out = world.alice.call(world.vault, "on_staked", args)
        assert out.status == "failure"
        assert "Method on_staked is private" in out.error
    assert world.storage() == state_before
    assert world.staked() == 0


def test_callback_called_by_another_contract_is_private(world):
    state_before = world.storage()
    out = world.alice.call(world.attacker, "poke", {
        "victim": "vault.near", "method": "on_staked",
        "args": {"_ns": {"o": 1, "u": "alice.near", "c": ["staked", "alice.near", "1"]}}})
    assert "Method on_staked is private" in out.receipt("on_staked").error
    assert world.storage() == state_before


def test_callback_without_promise_result_is_refused(world):
    out = world.alice.call(world.vault, "call_callback_without_promise")
    assert "Method on_staked can only be called as a callback" in out.receipt(
        "on_staked", receiver="vault.near").error


# --- refunds that cannot be sent become claimable ---------------------------------------------


def test_refund_the_contract_cannot_afford_becomes_claimable(world):
    """A refund that would leave the contract unable to cover its storage stake (the whole
    callback would roll back with LackBalanceForState, docs/protocol.md 6) is recorded as
    claimable."""
    rt = world.rt
    free = rt.balance("vault.near") - rt.account("vault.near").storage_usage * 10**19
    out = world.vault.call(world.vault, "pay_out", {"account_id": "alice.near",
                                                  "amount": str(free)})
    assert out.status == "success" and out.value is False
    assert _transfers_to(out, "alice.near", free) == []
    assert any("is claimable" in line for line in out.logs)
    assert int(world.view("claimable_of", {"account_id": "alice.near"})) == free
    # An affordable one is sent at once.
    small = world.vault.call(world.vault, "pay_out", {"account_id": "bob.near", "amount": "7"})
    assert small.value is True and len(_transfers_to(small, "bob.near", 7)) == 1


def test_claimable_refund_is_paid_by_claim(world):
    out = world.vault.call(world.vault, "pay_out", {"account_id": "alice.near", "amount": "7",
                                                    "hold": True})
    assert out.value is False and _transfers_to(out, "alice.near", 7) == []
    assert int(world.view("claimable_of", {"account_id": "alice.near"})) == 7
    claim = world.alice.call(world.vault, "claim_refund")
    assert claim.status == "success" and claim.value == "7"
    assert len(_transfers_to(claim, "alice.near", 7)) == 1
    assert int(world.view("claimable_of", {"account_id": "alice.near"})) == 0
    again = world.alice.call(world.vault, "claim_refund")
    assert again.error.endswith("Method claim_refund: nothing to claim")


@pytest.mark.backend_refuses
def test_pull_refunds_never_hold_a_deposit_that_left(world):
    """claimable=True applies to what the contract holds; a failed call's deposit goes back
    to the user by the protocol whatever the option."""
    world.alice.call(world.staking, "set_fail", {"fail": True}).unwrap()
    out = world.alice.call(world.vault, "deposit_and_stake_pull", deposit=STAKE, gas=GAS)
    assert out.receipt("on_staked").succeeded
    assert len(_deposit_back(out, "alice.near", STAKE)) == 1
    assert int(world.view("claimable_of", {"account_id": "alice.near"})) == 0


# --- token withdraw: debit with rollback ------------------------------------------------------


def test_token_withdraw_success_moves_tokens_once(world):
    out = world.alice.call(world.vault, "withdraw_tokens", {"amount": "300"}, gas=GAS)
    assert out.status == "success" and out.value is True and out.error is None
    assert world.tokens() == 700
    assert world.ft_balance() == 300
    assert _ns_keys(world) == []


def test_token_withdraw_failure_restores_the_debit(world):
    world.alice.call(world.token, "set_fail", {"fail": True}).unwrap()
    out = world.alice.call(world.vault, "withdraw_tokens", {"amount": "300"}, gas=GAS)
    assert "token is failing" in out.error
    assert out.value is False
    assert world.tokens() == 1000
    assert world.ft_balance() == 0
    assert _ns_keys(world) == []


def test_token_withdraw_in_flight_blocks_a_second_one(world):
    world.alice.call(world.token, "set_fail", {"fail": True}).unwrap()
    first = world.alice.submit(world.vault, "withdraw_tokens", {"amount": "1000"}, gas=GAS)
    world.rt.step()
    assert world.tokens() == 0  # debited before the transfer leaves
    second = world.alice.submit(world.vault, "withdraw_tokens", {"amount": "1000"}, gas=GAS)
    world.rt.run()
    assert "Locked: alice.near" in second.outcome().error
    assert first.outcome().value is False
    assert world.tokens() == 1000  # restored once, not twice
    assert world.ft_balance() == 0


def test_token_withdraw_beyond_balance_changes_nothing(world):
    state_before = world.storage()
    out = world.alice.call(world.vault, "withdraw_tokens", {"amount": "1001"}, gas=GAS)
    assert "Not enough balance in tokens for alice.near" in out.error
    assert world.storage() == state_before
    assert len(out.receipts) <= 3  # no promise left the vault


def test_settlement_of_an_operation_not_in_flight_is_refused(world):
    before = world.storage()
    out = world.alice.call(world.vault, "settle_unknown_operation", gas=GAS)
    assert "Method on_staked: unknown operation 999" in out.receipt(
        "on_staked", receiver="vault.near").error
    assert _transfers_to(out, "alice.near", 5) == []
    assert world.storage() == before
