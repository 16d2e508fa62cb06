"""deposit_and_stake: the wrong vault pays a user twice, the near_safe vault does not.

Every money figure is exact: a user's gain is her balance change plus the gas she paid
(``tokens_burnt``); a vault's loss is its balance change net of its 30% gas rewards."""

from pathlib import Path

import pytest

from near_safe.testing import NEAR, TGAS

HERE = Path(__file__).parent
STAKE = 5 * NEAR
GAS = 300 * TGAS


@pytest.fixture(scope="module")
def pool(near_deploy):
    return near_deploy(HERE / "staking_pool.py")


@pytest.fixture(scope="module", params=["wrong", "safe"])
def vault(request, near_deploy, pool):
    return near_deploy(HERE / f"vault_{request.param}.py", init="new",
                       init_args={"pool": pool.id})


def staked(vault, user):
    return int(vault.view("staked_of", {"account_id": user.id}))


def balances(rt, user, vault):
    return rt.balance(user), rt.balance(vault)


def money(rt, user, vault, before, outcomes):
    """(user's gain without the gas she paid, vault's loss without its gas rewards) since
    ``before = balances(...)``, over the transactions ``outcomes``; exact, in yoctoNEAR."""
    gas_paid = sum(o.tokens_burnt for o in outcomes)
    rewards = sum(r.contract_reward for o in outcomes for r in o.receipts
                  if r.receiver == vault.id)
    gain = rt.balance(user) - before[0] + gas_paid
    loss = before[1] - rt.balance(vault) + rewards
    return gain, loss


@pytest.mark.backend_refuses
def test_stake_is_credited_once_the_pool_accepts_it(runtime, vault, pool, alice):
    before = balances(runtime, alice, vault)
    out = alice.call(vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    assert out.error is None
    gain, loss = money(runtime, alice, vault, before, [out])
    assert staked(vault, alice) == STAKE
    assert int(pool.view("stake_of", {"account_id": vault.id})) == STAKE
    assert gain == -STAKE and loss == 0  # alice's NEAR sits in the pool


@pytest.mark.backend_refuses
def test_failed_stake_gives_the_deposit_back(runtime, vault, pool, alice):
    alice.call(pool, "set_failing", {"failing": True}).unwrap()
    before = balances(runtime, alice, vault)
    out = alice.call(vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    assert "staking pool is failing" in out.error
    gain, loss = money(runtime, alice, vault, before, [out])
    assert gain == 0 and loss == 0
    assert staked(vault, alice) == 0


def withdraw_while_staking(runtime, vault, alice):
    """Alice stakes; while the pool call is in flight she withdraws the same amount."""
    stake = alice.submit(vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    first = runtime.step()  # the vault's receipt: the pool call and the callback are queued
    assert first.method == "deposit_and_stake" and first.succeeded
    assert [p.method for p in runtime.pending() if p.waiting_for_data] == ["on_staked"]
    grab = alice.submit(vault, "withdraw", {"amount": str(STAKE)})
    runtime.run()
    out, grabbed = stake.outcome(), grab.outcome()
    # the withdraw really ran between the call and its callback
    assert grabbed.receipts[0].block_height <= out.receipt("on_staked").block_height
    return out, grabbed


@pytest.mark.backend_refuses
@pytest.mark.parametrize("vault", ["wrong"], indirect=True)
def test_wrong_vault_pays_twice_when_a_withdraw_runs_before_the_failed_stake_settles(
        runtime, vault, pool, alice):
    alice.call(pool, "set_failing", {"failing": True}).unwrap()
    before = balances(runtime, alice, vault)
    out, grabbed = withdraw_while_staking(runtime, vault, alice)
    gain, loss = money(runtime, alice, vault, before, [out, grabbed])
    assert grabbed.status == "success"  # the not-yet-staked NEAR was withdrawn...
    assert "staking pool is failing" in out.error  # ...the stake failed, and was refunded too
    assert gain == STAKE and loss == STAKE  # alice is paid twice: the vault loses the stake


@pytest.mark.backend_refuses
@pytest.mark.parametrize("vault", ["safe"], indirect=True)
def test_safe_vault_pays_nothing_twice(runtime, vault, pool, alice):
    alice.call(pool, "set_failing", {"failing": True}).unwrap()
    before = balances(runtime, alice, vault)
    out, grabbed = withdraw_while_staking(runtime, vault, alice)
    gain, loss = money(runtime, alice, vault, before, [out, grabbed])
    assert "Not enough balance in staked for " + alice.id in grabbed.error
    assert "staking pool is failing" in out.error
    assert gain == 0 and loss == 0  # the refund came back once
    assert staked(vault, alice) == 0
