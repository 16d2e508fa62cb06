"""Within the default budget (1000 schedules, depth 3) the explorer finds nothing on the safe
vaults: the near_safe version (contracts/bank_safe.py) and the hand-written one.  The same
machine with the buggy flows finds each bug (test_explore_finds_bugs.py), so the search is the
same one that finds the bugs."""

import pytest
from explore_machines import Safe, SafeByHand

from near_safe.explore import Settings


@pytest.mark.parametrize("machine", [Safe, SafeByHand], ids=lambda m: m.__name__)
def test_nothing_found_on_safe_versions_within_default_budget(machine):
    defaults = Settings()
    result = machine.explore(depth=defaults.depth, budget=defaults.budget)
    assert not result.found, result.report
    # the budget was really spent (or the whole tree was explored)
    assert result.schedules >= defaults.budget or result.exhausted
    # and the interesting paths were on it: every fault injected, gas boundaries tried,
    # the attacker's calls, other calls while a call was in flight
    for fault in defaults.faults:
        if fault == "keep_deposit_fail":
            continue  # only for a callee the attacker controls: these vaults' pool is fixed
        assert result.tried.get(f"fault:{fault}", 0) > 0, (fault, result.tried)
    assert result.tried.get("gas_variant", 0) > 0 and result.gas_points["stake"]
    assert result.tried.get("attack", 0) > 0
    # snapshots: far fewer receipts ran than replaying each schedule from scratch would run
    assert result.receipts < result.replay_receipts
