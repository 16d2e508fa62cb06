"""Validators and epochs (issue 16, docs/protocol.md 10): a contract stakes its own balance as a
staking pool does, becomes a validator two epochs later, earns rewards on its locked balance,
unstakes and gets its balance back three epoch boundaries later; a proposal below the seat price
is returned when its epoch ends; a stake below the minimum fails with InsufficientStake; the
host functions validator_stake / validator_total_stake / epoch_height answer from the model.

Sources: nearcore runtime/runtime/src/actions.rs ``action_stake``, chain/epoch-manager
validator_selection.rs, lib.rs ``compute_stake_return_info`` / ``minimum_stake``,
reward_calculator.rs, runtime lib.rs ``update_validator_accounts`` (testing/_validators.py)."""

from pathlib import Path

import pytest

from near_safe.testing import NEAR, TGAS, Runtime, Stake, params
from near_safe.testing import _validators

STAKER = Path(__file__).parent / "contracts" / "staker.py"
GENESIS = 1_700_000_000 * 10**9  # a pinned clock: block h at GENESIS + h seconds


def _runtime(mode="wasm", **overrides):
    return Runtime(mode=mode, config=params.Config(genesis_time_ns=GENESIS, **overrides))


def _to_next_epoch(rt):
    """fast_forward to the first block of the next epoch."""
    length = rt.config.epoch_length
    rt.fast_forward(length - rt.height % length)
    assert rt.height % length == 0


def _chain(rt, pool):
    stake, total, epoch, locked = rt.view(pool, "chain")
    return int(stake), int(total), epoch, int(locked)


def _supply(rt):
    """The total supply as the model counts it: accounts, plus genesis validators that are no
    account here (docs/protocol.md 10.3)."""
    supply = sum(rt.account(a).amount + rt.account(a).locked for a in rt.accounts)
    return supply + sum(s for a, s in rt.validators().items() if not rt.exists(a))


def _expected_reward(rt, stake_in_epoch, stake_sum, supply):
    """reward_calculator.rs, every validator online: 1/20 of the supply a year, for the epoch's
    duration (the epoch just ended), 9/10 of it shared by stake."""
    cfg = rt.config
    end = rt.height - 1
    duration = rt.block_timestamp(end) - rt.block_timestamp(end - cfg.epoch_length)
    total = supply * duration // (365 * 24 * 3600 * 20 * 10**9)
    return (total - total // 10) * stake_in_epoch // stake_sum


@pytest.mark.parametrize("mode", ["wasm", "python"])
def test_a_staking_contract_validates_earns_and_gets_its_stake_back(mode):
    rt = _runtime(mode)
    owner = rt.create_account("owner.near", balance=100 * NEAR)
    pool = rt.deploy("pool.near", STAKER, balance=20_000 * NEAR)
    total_before = rt.account(pool).amount
    staked = 10_000 * NEAR
    assert staked >= rt.seat_price()  # a proposal that takes a seat
    # epoch 0: the stake locks the balance at once; not a validator yet
    owner.call(pool, "stake", {"amount": str(staked)}, gas=100 * TGAS).unwrap()
    view = rt.account(pool)
    assert (view.locked, view.amount) == (staked, total_before - staked)
    assert _chain(rt, pool) == (0, sum(rt.validators().values()), 0, staked)
    assert list(rt.validators()) == ["test.near"]
    # epoch 1: chosen for epoch 2 (two epochs on), still not validating
    _to_next_epoch(rt)
    assert _chain(rt, pool)[0] == 0 and rt.epoch_height == 1
    # epoch 2: a validator with its proposal's stake; validator_total_stake is the set's sum
    _to_next_epoch(rt)
    stake, total, epoch, locked = _chain(rt, pool)
    assert (stake, epoch, locked) == (staked, 2, staked)
    assert total == sum(rt.validators().values()) and rt.validators()["pool.near"] == staked
    # epoch 3: epoch 2's reward is added to the locked balance
    supply, stake_sum = _supply(rt), sum(rt.validators().values())
    _to_next_epoch(rt)
    reward = _expected_reward(rt, staked, stake_sum, supply)
    assert reward > 0 and rt.account(pool).locked == staked + reward
    # unstake in epoch 3: the locked balance stays until the stake has left the three epoch
    # infos nearcore keeps (3, 4, 5); rewards earned meanwhile go to amount at once
    owner.call(pool, "stake", {"amount": "0"}, gas=100 * TGAS).unwrap()
    view = rt.account(pool)
    assert view.locked == staked + reward
    _to_next_epoch(rt)  # epoch 4: still validating (chosen before the unstake)
    paid = rt.account(pool)
    assert paid.locked == view.locked and paid.amount > view.amount
    assert _chain(rt, pool)[0] > 0
    _to_next_epoch(rt)  # epoch 5: out of the set, the stake still held
    held = rt.account(pool)
    assert _chain(rt, pool)[0] == 0 and held.locked == view.locked and held.amount > paid.amount
    _to_next_epoch(rt)  # epoch 6: released (no reward for epoch 5: not a validator then)
    released = rt.account(pool)
    assert released.locked == 0 and released.amount == held.amount + held.locked
    assert released.amount > total_before  # the rewards of epochs 2, 3 and 4
    assert _chain(rt, pool)[3] == 0 and "pool.near" not in rt.validators()


def test_a_proposal_below_the_seat_price_is_returned_when_its_epoch_ends():
    rt = _runtime()
    bob = rt.create_account("bob.near", balance=5_000 * NEAR)
    small = 1_000 * NEAR
    assert rt.seat_price() // rt.config.minimum_stake_divisor <= small < rt.seat_price()
    before = rt.account(bob).amount
    out = bob.execute(bob, [Stake(small, bob.public_key)])
    assert out.status == "success"
    fee = before - rt.account(bob).amount - small
    assert rt.account(bob).locked == small
    _to_next_epoch(rt)
    view = rt.account(bob)
    assert view.locked == 0 and view.amount == before - fee
    _to_next_epoch(rt)
    assert "bob.near" not in rt.validators()


def test_a_stake_below_the_minimum_fails_with_insufficient_stake():
    rt = _runtime()
    bob = rt.create_account("bob.near", balance=5_000 * NEAR)
    minimum = rt.seat_price() // rt.config.minimum_stake_divisor
    out = bob.execute(bob, [Stake(minimum - 1, bob.public_key)])
    failure = out.receipts[0].failure
    assert failure.kind == "InsufficientStake"
    assert failure.message == (f"Account bob.near tries to stake {minimum - 1} but minimum "
                               f"required stake is {minimum}")
    assert rt.account(bob).locked == 0
    assert bob.execute(bob, [Stake(minimum, bob.public_key)]).status == "success"


def test_the_seat_price_follows_nearcores_selection():
    cfg = params.Config()
    # fewer proposals than seats: ceil(ratio * total / (1 - ratio)) (FixStakingThreshold)
    info = _validators.select(cfg, {"test.near": 50_000_000 * NEAR})
    num, den = cfg.minimum_stake_ratio
    assert info.seat_price == -(-num * 50_000_000 * NEAR // (den - num))
    # every seat taken: one more than the smallest selected stake; the rest are out (stake 0)
    cfg2 = params.Config(validator_seats=2)
    info = _validators.select(cfg2, {"a.near": 300 * NEAR, "b.near": 200 * NEAR,
                                     "c.near": 100 * NEAR})
    assert info.validators == {"a.near": 300 * NEAR, "b.near": 200 * NEAR}
    assert info.seat_price == 200 * NEAR + 1 and info.stake_change["c.near"] == 0
    # equal stakes: the smaller account id first (OrderedValidatorStake)
    info = _validators.select(cfg2, {"b.near": NEAR, "c.near": NEAR, "a.near": NEAR})
    assert list(info.validators) == ["a.near", "b.near"]
    # a stake too small against the others is not selected, whatever the seats
    info = _validators.select(cfg, {"big.near": 10**6 * NEAR, "tiny.near": NEAR})
    assert list(info.validators) == ["big.near"]


def test_configured_genesis_validators_and_epoch_length():
    rt = _runtime(genesis_validators=(("v1.near", 300 * NEAR), ("v2.near", 200 * NEAR)),
                  validator_seats=2, epoch_length=10)
    assert rt.validators() == {"v1.near": 300 * NEAR, "v2.near": 200 * NEAR}
    assert rt.seat_price() == 200 * NEAR + 1
    carol = rt.create_account("carol.near", balance=1_000 * NEAR)
    carol.execute(carol, [Stake(250 * NEAR, carol.public_key)])
    _to_next_epoch(rt)
    _to_next_epoch(rt)
    assert rt.height == 20 and set(rt.validators()) == {"v1.near", "carol.near"}


# epoch_height and validator_total_stake into storage ("e": u64, "t": u128): plain imports, so
# it links at every version (near_safe's contracts need protocol 82's promise_set_refund_to)
_RECORDER = """(module
  (import "env" "epoch_height" (func $epoch_height (result i64)))
  (import "env" "validator_total_stake" (func $total (param i64)))
  (import "env" "storage_write" (func $write (param i64 i64 i64 i64 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "et")
  (func (export "record")
    (i64.store (i32.const 16) (call $epoch_height))
    (drop (call $write (i64.const 1) (i64.const 0) (i64.const 8) (i64.const 16) (i64.const 0)))
    (call $total (i64.const 32))
    (drop (call $write (i64.const 1) (i64.const 1) (i64.const 16) (i64.const 32) (i64.const 0)))))
"""


@pytest.mark.parametrize("protocol", [73, 88])
def test_epochs_at_the_versions_length_with_fast_forward(protocol):
    """The sandbox's genesis: 500-block epochs at every version (nearcore config.rs
    EXPECTED_EPOCH_LENGTH = 5 min / 600 ms); a contract's epoch_height follows fast_forward."""
    rt = Runtime(mode="wasm", protocol=protocol)
    assert rt.config.epoch_length == 5 * 60 * 1000 // 600
    alice = rt.create_account("alice.near")
    rec = rt.deploy("rec.near", _RECORDER, balance=5 * NEAR)

    def record():
        out = alice.call(rec, "record")
        out.unwrap()
        data = rt.storage(rec)
        return (int.from_bytes(data[b"e"], "little"), int.from_bytes(data[b"t"], "little"),
                out.receipts[0].block_height)

    assert record()[:2] == (0, 50_000_000 * NEAR)  # the sandbox's test.near
    # a call's receipt runs two blocks after it is submitted
    rt.fast_forward(rt.config.epoch_length - 3 - rt.height)
    assert record() == (0, 50_000_000 * NEAR, rt.config.epoch_length - 1)  # the last block
    epoch, total, height = record()
    assert epoch == 1 and rt.config.epoch_length <= height < 2 * rt.config.epoch_length
    assert total == 50_000_000 * NEAR  # epoch 1's set was decided at genesis
    rt.fast_forward(2 * rt.config.epoch_length)
    epoch, total, _ = record()
    assert epoch == 3 == rt.epoch_height
    assert total > 50_000_000 * NEAR  # epoch 0's and 1's rewards, in test.near's stake


def test_snapshots_carry_the_validator_state():
    rt = _runtime()
    bob = rt.create_account("bob.near", balance=20_000 * NEAR)
    bob.execute(bob, [Stake(10_000 * NEAR, bob.public_key)])
    snap = rt.snapshot()
    _to_next_epoch(rt)
    _to_next_epoch(rt)
    assert "bob.near" in rt.validators()
    rt.restore(snap)
    assert "bob.near" not in rt.validators() and rt.account(bob).locked == 10_000 * NEAR
    _to_next_epoch(rt)
    _to_next_epoch(rt)
    assert rt.validators()["bob.near"] == 10_000 * NEAR  # the restored proposal still counts


@pytest.mark.parametrize("inflation, total_near", [((1, 20), 50), ((1, 40), 25)])
def test_rewards_reproduce_nearcores_reward_calculator_vector(inflation, total_near):
    """reward_calculator.rs test_adjust_max_inflation: a supply of 10^9 NEAR, one validator
    fully online, an epoch of 1 s in a 10^6-second year: 50 NEAR minted at 1/20 (25 at mainnet's
    1/40 from protocol 81), a tenth to the treasury, the rest to the validator.  The same epoch
    in this model's 365-day year lasts 31.536 s."""
    cfg = params.Config(max_inflation_rate=inflation, protocol_treasury_account="near",
                        genesis_validators=(("test1", 100 * NEAR),))
    epochs = _validators.genesis(cfg, 0)
    duration_ns = _validators.SECONDS_PER_YEAR * 10**9 // 10**6
    reward = _validators.rewards(cfg, epochs, 10**9 * NEAR, duration_ns)
    assert reward == {"near": total_near * NEAR // 10,
                      "test1": total_near * NEAR - total_near * NEAR // 10}


def test_the_treasury_share_goes_to_the_treasury_accounts_amount():
    rt = _runtime(protocol_treasury_account="treasury.near")
    treasury = rt.create_account("treasury.near", balance=NEAR)
    supply = _supply(rt)
    _to_next_epoch(rt)
    duration = rt.block_timestamp(rt.height - 1) - rt.block_timestamp(0)
    minted = supply * duration // (365 * 24 * 3600 * 20 * 10**9)
    view = rt.account(treasury)
    assert view.amount == NEAR + minted // 10 and view.locked == 0
