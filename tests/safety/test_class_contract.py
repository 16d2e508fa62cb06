"""A class-based contract (nearc instantiates the class and exports bound methods) gets the
same wrappers: tests/safety/contracts/bench_safe.py, both modes."""

from pathlib import Path

import pytest

from near_safe.testing import NEAR, TGAS

CONTRACTS = Path(__file__).parent / "contracts"


@pytest.fixture
def vault(world):
    v = world.rt.deploy("classy.near", CONTRACTS / "bench_safe.py")
    world.alice.call(v, "new", {"staking": "staking.near", "token": "token.near"}).unwrap()
    return v


@pytest.mark.backend_refuses
def test_class_based_stake_and_refund(world, vault):
    out = world.alice.call(vault, "deposit_and_stake", deposit=2 * NEAR, gas=300 * TGAS)
    assert out.value is True and out.error is None
    assert world.rt.view(vault, "staked_of", {"account_id": "alice.near"}) == str(2 * NEAR)
    world.alice.call(world.staking, "set_fail", {"fail": True}).unwrap()
    out = world.alice.call(vault, "deposit_and_stake", deposit=2 * NEAR, gas=300 * TGAS)
    assert out.value is False
    assert world.rt.view(vault, "staked_of", {"account_id": "alice.near"}) == str(2 * NEAR)


def test_class_based_checks(world, vault):
    out = world.alice.call(vault, "on_staked", {})
    assert "Method on_staked is private" in out.error
    out = world.alice.call(vault, "withdraw_tokens", {"amount": "x"})
    assert "Method withdraw_tokens: argument 'amount' must be a yoctoNEAR amount" in out.error
    out = world.alice.call(vault, "new", {"staking": "a.near", "token": "b.near"})
    assert "Method new: contract is already initialized" in out.error
