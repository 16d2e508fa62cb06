"""Validators and epochs, as far as staking-pool and lockup contracts need them
(docs/protocol.md 10).

nearcore's epoch manager, reduced to what a contract can observe: who is a validator with what
stake (``validator_stake`` / ``validator_total_stake``), the epoch height, the minimum stake a
Stake action needs, when locked balance comes back, and the reward added to a validator's
locked balance at each epoch end.  Sources (nearcore):

* a Stake action (runtime/runtime/src/actions.rs ``action_stake``): TriesToStake, then
  TriesToUnstake, then InsufficientStake below ``minimum_stake`` = the next epoch's seat price
  / ``minimum_stake_divisor`` (epoch-manager lib.rs ``minimum_stake``); it records a proposal
  and raises ``locked`` at once; lowering the stake changes nothing until the epoch ends;
* at the end of epoch T the proposals of T select the validators of T+2
  (validator_selection.rs ``proposals_to_epoch_info``, ``apply_epoch_update_to_proposals``,
  ``select_validators`` with FixStakingThreshold): the last proposal of each account wins,
  validators of T+1 that made none carry over, a validator's reward of T is added to its
  proposal or carried stake, then the largest
  stakes (ties: smaller account id first) take seats while stake / (total + stake) exceeds
  ``minimum_stake_ratio``; an unselected proposal's stake_change is 0;
* the seat price (threshold): one more than the smallest selected stake when every seat is
  taken, else ceil(ratio * total / (1 - ratio));
* locked balance kept (epoch-manager ``compute_stake_return_info``, runtime lib.rs
  ``update_validator_accounts``): the reward is added to ``locked``, then everything above
  max(stake_change of T, T+1, T+2) goes back to ``amount``.  So a proposal below the threshold
  is returned when the epoch it was made in ends, an unstake made in epoch T is returned when
  epoch T+2 ends (three boundaries later), and a reward earned while the stake is no longer
  rising (after an unstake) goes to ``amount`` at once;
* rewards (reward_calculator.rs ``calculate_reward``): max_inflation_rate x total supply x the
  epoch's duration / one year; protocol_reward_rate of it to the treasury, the rest to the
  validators of T by stake.

APPROXIMATIONS (docs/protocol.md 10.3): every validator is online (no uptime scaling, no
kickouts, no slashing); one validator role (block producer seats; nearcore also selects chunk
producers and chunk validators from the same proposals, with their own seat counts, and takes
the smallest threshold); the total supply is the accounts' amount + locked plus the stake of
genesis validators that are not accounts here; proposals made in an epoch's last block are not
kept back as ``last_proposals``; an epoch starts at a multiple of ``epoch_length`` (nearcore:
the block after genesis, then every ``epoch_length`` blocks).

CPython only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

#: seconds in a year as reward_calculator.rs counts them (NUM_SECONDS_IN_A_YEAR)
SECONDS_PER_YEAR = 24 * 60 * 60 * 365


@dataclass(frozen=True)
class EpochInfo:
    """One epoch's validators (``{account: stake}``), its stake_change (``{account: stake}``,
    0 for an unselected proposal) and seat price.  Never mutated."""

    validators: dict
    stake_change: dict
    seat_price: int


@dataclass(frozen=True)
class Epochs:
    """A runtime's validator state (State.epochs): the current epoch's height, the infos of the
    current and the next epoch (both decided), the proposals of this epoch and when it started
    (ns).  Replaced, never mutated, so snapshots share it."""

    height: int
    current: EpochInfo
    next: EpochInfo
    proposals: dict
    start_ns: int


def select(config, proposals: dict) -> EpochInfo:
    """validator_selection.rs ``select_validators`` over ``{account: stake}``."""
    num, den = config.minimum_stake_ratio
    ordered = sorted(((s, a) for a, s in proposals.items() if s > 0),
                     key=lambda p: (-p[0], p[1]))
    chosen, total = {}, 0
    for stake, account in ordered[:config.validator_seats]:
        if stake * den > num * (total + stake):  # stake / (total + stake) > ratio
            chosen[account] = stake
            total += stake
        else:
            break
    if chosen and len(chosen) == config.validator_seats:
        threshold = min(chosen.values()) + 1
    else:  # ceil(ratio * total / (1 - ratio))
        threshold = -(-num * total // (den - num))
    change = {a: chosen.get(a, 0) for a in proposals}
    return EpochInfo(chosen, change, threshold)


def genesis(config, time_ns: int) -> Epochs:
    """The genesis epoch and the next: both the genesis validators (epoch-manager genesis)."""
    info = select(config, dict(config.genesis_validators))
    return Epochs(0, info, info, {}, time_ns)


def minimum_stake(config, epochs: Epochs) -> int:
    """epoch-manager ``minimum_stake``: the next epoch's seat price / minimum_stake_divisor."""
    return epochs.next.seat_price // config.minimum_stake_divisor


def propose(epochs: Epochs, account_id: str, stake: int) -> Epochs:
    """A committed Stake action's proposal (the last of an epoch wins)."""
    return replace(epochs, proposals={**epochs.proposals, account_id: stake})


def rewards(config, epochs: Epochs, supply: int, duration_ns: int) -> dict:
    """reward_calculator.rs ``calculate_reward``, every validator fully online: ``{account:
    reward}`` for the validators of the epoch that ends (and the treasury, if configured)."""
    num, den = config.max_inflation_rate
    total = num * supply * duration_ns // (SECONDS_PER_YEAR * den * 10**9)
    pnum, pden = config.protocol_reward_rate
    treasury = total * pnum // pden
    out = {}
    if config.protocol_treasury_account:
        out[config.protocol_treasury_account] = treasury
    validators = epochs.current.validators
    stake_sum = sum(validators.values())
    if stake_sum:
        for account, stake in validators.items():
            out[account] = out.get(account, 0) + (total - treasury) * stake // stake_sum
    return out


def end_epoch(config, epochs: Epochs, supply: int, now_ns: int):
    """Epoch ``epochs.height`` ends: returns (the new Epochs, ``{account: reward}``,
    ``{account: locked to keep}``) (epoch-manager ``finalize_epoch`` and
    ``compute_stake_return_info``)."""
    reward = rewards(config, epochs, supply, now_ns - epochs.start_ns)
    # apply_epoch_update_to_proposals: this epoch's proposals, and the next epoch's validators
    # with their stake there unless they proposed; a validator's reward is added to either
    candidates = dict(epochs.proposals)
    for account, stake in epochs.next.validators.items():
        candidates[account] = candidates.get(account, stake) + reward.get(account, 0)
    after_next = select(config, candidates)
    keep = {}
    for change in (epochs.current.stake_change, epochs.next.stake_change,
                   after_next.stake_change):
        for account, stake in change.items():
            keep[account] = max(keep.get(account, 0), stake)
    new = Epochs(epochs.height + 1, epochs.next, after_next, {}, now_ns)
    return new, reward, keep


def stake_of(epochs: Optional[Epochs], account_id: str) -> int:
    """``validator_stake``: the account's stake in the current epoch's set (0 if none)."""
    return 0 if epochs is None else epochs.current.validators.get(account_id, 0)


def total_stake(epochs: Optional[Epochs]) -> int:
    """``validator_total_stake``: the current epoch's validators' stakes together."""
    return 0 if epochs is None else sum(epochs.current.validators.values())
