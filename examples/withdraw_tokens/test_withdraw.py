"""withdraw_tokens: debit before the transfer leaves, restore it if the token fails; the vault
written as functions (vault.py) and as a class (vault_class.py), each in both runtime modes."""

from pathlib import Path

import pytest

from near_safe.testing import TGAS

HERE = Path(__file__).parent
HELD = 1000  # alice's tokens in the vault
GAS = 300 * TGAS  # NEAR's most per transaction: room for the CPython backend's start-up too


@pytest.fixture(scope="module")
def token(near_deploy):
    return near_deploy(HERE / "ft_token.py")


@pytest.fixture(scope="module", params=["vault.py", "vault_class.py"])  # functions, class
def vault(request, near_deploy, token, alice):
    vault = near_deploy(HERE / request.param, init="new", init_args={"token": token.id})
    token.call(token, "mint", {"account_id": vault.id, "amount": str(HELD)}).unwrap()
    vault.call(vault, "credit", {"account_id": alice.id, "amount": str(HELD)}).unwrap()
    return vault


def held(vault, user):
    return int(vault.view("balance_of", {"account_id": user.id}))


def wallet(token, user):
    return int(token.view("ft_balance_of", {"account_id": user.id}))


def test_withdraw_moves_the_tokens_once(vault, token, alice):
    out = alice.call(vault, "withdraw", {"amount": "300"}, gas=GAS)
    assert out.error is None and out.value is True
    assert held(vault, alice) == 700 and wallet(token, alice) == 300


def test_failed_transfer_restores_the_debit(vault, token, alice):
    token.call(token, "set_failing", {"failing": True}).unwrap()
    out = alice.call(vault, "withdraw", {"amount": "300"}, gas=GAS)
    assert "token is failing" in out.error and out.value is False
    assert held(vault, alice) == HELD and wallet(token, alice) == 0


def test_balance_is_debited_while_the_transfer_is_in_flight(runtime, vault, token, alice):
    token.call(token, "set_failing", {"failing": True}).unwrap()
    first = alice.submit(vault, "withdraw", {"amount": str(HELD)}, gas=GAS)
    runtime.step()  # the vault's receipt ran; ft_transfer and the callback are queued
    assert held(vault, alice) == 0  # nothing left to spend twice
    second = alice.submit(vault, "withdraw", {"amount": str(HELD)}, gas=GAS)
    runtime.run()
    assert "Locked: " + alice.id in second.outcome().error
    assert first.outcome().value is False
    assert held(vault, alice) == HELD  # restored once, not twice
    assert wallet(token, alice) == 0


def test_withdrawing_more_than_held_changes_nothing(vault, token, alice):
    before = vault.storage
    out = alice.call(vault, "withdraw", {"amount": str(HELD + 1)}, gas=GAS)
    assert f"Not enough balance in tokens for {alice.id}" in out.error
    assert vault.storage == before
    assert out.find(receiver=token) == []  # no transfer left the vault
