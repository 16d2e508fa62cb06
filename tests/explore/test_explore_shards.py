"""The explorer on several shards with missing chunks (issue 16, section 3; docs/explorer.md,
"Shards and missing chunks"): ``Machine.shards`` sets the layout, and the explorer makes a shard
miss its chunks (a ``SkipChunks`` step), so NEP-616's order - a failed pool call's deposit
refund reaching the user after the vault's callback ran - is among the schedules explored.
near_safe's vault stays correct there; the buggy vaults are still found; shrinking keeps the
step and a schedule replays to the same trace."""

import pytest
from explore_machines import Safe
from shard_machines import (
    SHARDS,
    RefundOvertaken,
    RefundOvertakenOneShard,
    ShardedCreditFirst,
    ShardedNoRefund,
    ShardedSafe,
)

from near_safe.errors import UsageError
from near_safe.explore import InvariantViolation, Settings
from near_safe.explore._schedule import Deliver, SkipChunks, apply_step

_results = {}


def explored(machine, **settings):
    key = (machine, tuple(sorted(settings.items())))
    if key not in _results:
        _results[key] = machine.explore(**settings)
    return _results[key]


def test_the_machine_layout_reaches_the_runtime():
    run = ShardedSafe.replay()
    assert run.rt.config.shard_boundaries == SHARDS
    assert [run.rt.shard_of(a) for a in ("alice.near", "bob.near", "vault.near",
                                         "pool.near")] == [0, 0, 1, 1]
    assert Safe.replay().rt.config.shard_boundaries == ()  # the default: one shard


def test_the_explorer_reaches_a_refund_arriving_after_the_callback():
    result = explored(RefundOvertaken)
    assert result.found, result.summary()
    assert result.violation.invariant == "refund_reaches_the_user_before_the_callback"
    # the shrunk schedule keeps the missing chunk (on the users' shard) and the pool's failure
    skips = [s for s in result.schedule if isinstance(s, SkipChunks)]
    assert skips and all(s.shard == 0 for s in skips)
    assert any(isinstance(s, Deliver) and s.fault for s in result.schedule)
    assert "run.skip_chunks(0, " in result.report
    assert result.tried["missing_chunk"] > 0


@pytest.mark.parametrize("machine, settings", [
    (RefundOvertakenOneShard, {}),  # one shard: the refund runs in the block after the failure
    (RefundOvertaken, {"missing_chunks": 0}),  # shards, every chunk present: shard 0 goes first
], ids=["one_shard", "no_missing_chunks"])
def test_without_a_missing_chunk_the_refund_arrives_first(machine, settings):
    result = explored(machine, **settings)
    assert not result.found, result.report
    assert result.schedules == result.settings.budget  # the same budget the sharded run used
    assert "missing_chunk" not in result.tried


def test_printed_reproduction_fails_the_same_way():
    result = explored(RefundOvertaken)
    source = result.report.split("Minimal schedule as a pytest test")[1].split("\n", 2)[2]
    namespace = {}
    exec(compile(source, "<printed test>", "exec"), namespace)
    (test,) = [f for name, f in namespace.items() if name.startswith("test_")]
    with pytest.raises(InvariantViolation, match="refund_reaches_the_user_before_the_callback"):
        test()


def test_a_schedule_with_a_missing_chunk_replays_deterministically():
    schedule = explored(RefundOvertaken).schedule
    rules = {spec.name: spec for spec in RefundOvertaken.rules()}

    def replay():
        run = RefundOvertaken.replay()
        run.raise_on_violation = False
        seen = []  # the invariants broken after each step, then after each receipt to idle
        for step in schedule:
            apply_step(run, step, rules)
            seen.append(run.check())
        while run.next_receipt() is not None:
            run.step()
            seen.append(run.check())
        overtaken = next((v for v in seen if v is not None), None)
        return (list(run.trace), overtaken, run.rt.height,
                {u: run.rt.balance(u) for u in run.users})

    first, second = replay(), replay()
    assert first == second
    assert first[1] is not None and first[1].invariant.startswith("refund_reaches")
    assert any(line.startswith("chunk   shard 0") for line in first[0])


def test_near_safe_vault_stays_correct_across_shards_with_missing_chunks():
    result = explored(ShardedSafe)
    assert not result.found, result.report
    assert result.tried["missing_chunk"] > 0
    assert result.schedules == result.settings.budget


@pytest.mark.parametrize("machine, invariant", [
    (ShardedNoRefund, "conservation"),
    (ShardedCreditFirst, "no_unbacked_credit"),
], ids=lambda x: getattr(x, "__name__", x))
def test_buggy_vaults_are_still_found_across_shards(machine, invariant):
    result = explored(machine)
    assert result.found and result.violation.invariant == invariant
    assert "missing_chunk" in result.tried


def test_bad_shard_settings_are_refused_with_the_fix():
    with pytest.raises(UsageError, match="missing_chunks"):
        Settings(missing_chunks=-1)
    with pytest.raises(UsageError, match="missing_blocks"):
        Settings(missing_blocks=0)
    unsorted = type("Unsorted", (ShardedSafe,), {"shards": ("z", "m")})
    with pytest.raises(UsageError, match="sorted and distinct"):
        unsorted.replay()
    run = ShardedSafe.replay()
    with pytest.raises(UsageError, match="2 shard"):
        run.skip_chunks(2)
