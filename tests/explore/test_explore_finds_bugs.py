"""The explorer finds each of the five cross-contract bugs of contracts/bank_buggy.py by itself
(Wasm mode, default invariants, seed 0), shrinks it, and prints a reproduction that fails."""

import pytest
from explore_machines import (
    CreditFirst,
    NoRefund,
    PublicCallback,
    SharedPending,
    Starved,
)

from near_safe.explore import InvariantViolation, ViolationFound
from near_safe.explore._schedule import Attack, Call, Deliver

_results = {}


def explored(machine):
    """Explore once per session per machine (each takes about a second)."""
    if machine not in _results:
        _results[machine] = machine.explore()
    return _results[machine]


def calls(result, rule=None):
    return [s for s in result.schedule if isinstance(s, Call) and (rule is None or s.rule == rule)]


def faults(result):
    return [s.fault for s in result.schedule if isinstance(s, Deliver) and s.fault]


def test_finds_double_payout_of_credit_first_deposit_and_stake():
    result = explored(CreditFirst)
    assert result.found and result.violation.invariant == "no_unbacked_credit"
    # the guidance's scenario: a deposit, a withdraw while the stake is in flight, the stake
    # fails -> paid twice (by a user's rules, or by the attacker replaying what users did)
    acts = [s.rule if isinstance(s, Call) else s.method for s in result.schedule
            if isinstance(s, (Call, Attack))]
    assert acts in (["stake", "withdraw"], ["stake_credit_first", "withdraw"]), acts
    assert len(faults(result)) == 1
    assert "came from nowhere" in result.violation.message
    assert "GAIN" in result.report


def test_finds_public_callback_minting_a_balance():
    result = explored(PublicCallback)
    assert result.found and result.violation.invariant == "no_unbacked_credit"
    attacks = [s for s in result.schedule if isinstance(s, Attack)]
    assert attacks and attacks[0].method == "on_staked"
    assert result.violation.message.startswith(PublicCallback.attacker)


def test_finds_failed_call_whose_deposit_is_never_refunded():
    result = explored(NoRefund)
    assert result.found and result.violation.invariant == "conservation"
    assert faults(result) and "lost" in result.violation.message
    assert "LOSS" in result.report


def test_finds_refund_callback_starved_of_gas():
    result = explored(Starved)
    assert result.found and result.violation.invariant == "conservation"
    (stake,) = calls(result, "stake")
    assert stake.gas is not None  # found at a probed gas boundary, not at the default gas
    assert "on_starved: FAILED (GasExceeded" in result.report


def test_finds_two_operations_overwriting_one_pending_record():
    result = explored(SharedPending)
    assert result.found and result.violation.invariant == "conservation"
    # two stakes in flight: users' or the attacker's replay of one (same deposit)
    replays = [s for s in result.schedule if isinstance(s, Attack)
               and s.method == "stake_shared" and s.deposit]
    assert len(calls(result, "stake")) + len(replays) == 2 and not faults(result)


@pytest.mark.parametrize("machine", [CreditFirst, PublicCallback, NoRefund, Starved,
                                     SharedPending], ids=lambda m: m.__name__)
def test_printed_reproduction_is_a_failing_pytest_test(machine):
    result = explored(machine)
    source = result.report.split("Minimal schedule as a pytest test")[1].split("\n", 2)[2]
    namespace = {}
    exec(compile(source, "<printed test>", "exec"), namespace)
    (test,) = [f for name, f in namespace.items() if name.startswith("test_")]
    with pytest.raises(InvariantViolation, match=result.violation.invariant):
        test()


def test_shrinks_to_a_minimal_schedule():
    result = explored(NoRefund)
    # submit the stake, run it, fail the pool call: nothing can be removed
    assert len(result.schedule) == 3 < result.original_length
    assert result.schedule[2].fault == "panic"  # the simplest fault that shows it


def test_same_seed_same_schedule_and_report():
    again = SharedPending.explore()
    first = explored(SharedPending)
    assert again.schedule == first.schedule
    def strip(text):  # the one line with timings
        return [line for line in text.splitlines() if not line.startswith("found after")]

    assert strip(again.report) == strip(first.report)


def test_check_raises_with_the_report():
    with pytest.raises(ViolationFound) as info:
        NoRefund.check()
    assert "def test_no_refund_conservation_seed0():" in str(info.value)
    assert "seed=0" in str(info.value)


EXPECTED = {CreditFirst: "no_unbacked_credit", PublicCallback: "no_unbacked_credit",
            NoRefund: "conservation", Starved: "conservation", SharedPending: "conservation"}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("machine", list(EXPECTED), ids=lambda m: m.__name__)
def test_found_with_other_seeds_too(machine, seed):
    """Not a lucky seed: each bug is found with other seeds too, within the default budget
    (measured for seeds 0-9: at most 232 of the 1000 schedules)."""
    result = machine.explore(seed=seed, shrink=False)
    assert result.found, result.summary()
    assert result.violation.invariant == EXPECTED[machine]
