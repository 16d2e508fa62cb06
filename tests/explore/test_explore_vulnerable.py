"""Issue 10, "the tools must find these classes themselves": the explorer finds each class of
the adversarial review on a deliberately vulnerable contract (contracts/vulnerable/, written by
hand so they stay vulnerable whatever near_safe does), within its default budget, with no
tracked view and no invariant named by the machine: the hostile behaviours (its attacker, its
hostile contract, its faults) and the invariants (attacker_not_richer, settled_when_idle) are
the explorer's own.  The printed reproduction fails the same way."""

import pytest
from vulnerable_machines import EXPECTED

from near_safe.explore import InvariantViolation, Settings

_results = {}


def explored(machine):
    if machine not in _results:
        _results[machine] = machine.explore()
    return _results[machine]


@pytest.mark.parametrize("machine", list(EXPECTED), ids=lambda m: m.__name__)
def test_found_within_the_default_budget(machine):
    invariant, shows = EXPECTED[machine]
    defaults = Settings()
    result = explored(machine)
    assert result.settings.budget == defaults.budget and result.settings.depth == defaults.depth
    assert result.found, result.summary()
    assert result.violation.invariant == invariant, result.report
    assert result.schedules <= defaults.budget
    assert shows in result.report, result.report


@pytest.mark.parametrize("machine", list(EXPECTED), ids=lambda m: m.__name__)
def test_printed_reproduction_fails_the_same_way(machine):
    result = explored(machine)
    source = result.report.split("Minimal schedule as a pytest test")[1].split("\n", 2)[2]
    namespace = {}
    exec(compile(source, "<printed test>", "exec"), namespace)
    (test,) = [f for name, f in namespace.items() if name.startswith("test_")]
    with pytest.raises(InvariantViolation, match=result.violation.invariant):
        test()
