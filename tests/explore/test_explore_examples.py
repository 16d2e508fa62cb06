"""Issue 10: the explorer reports nothing on what we ship - examples/ and the `near-safe new`
template - with its default budget, faults, attacker and convention-free invariants (the same
search that finds every class on contracts/vulnerable/)."""

import pytest
from example_machines import EXAMPLE_MACHINES, deposit_and_stake, template_machine

from near_safe.explore import Settings


def _clean(machine):
    defaults = Settings()
    result = machine.explore(budget=defaults.budget, depth=defaults.depth)
    assert not result.found, result.report
    assert result.schedules >= defaults.budget or result.exhausted, result.summary()
    assert result.tried.get("attack", 0) > 0
    return result


@pytest.mark.parametrize("machine", EXAMPLE_MACHINES, ids=lambda m: m.__name__)
def test_nothing_found_on_the_examples(machine):
    _clean(machine)


def test_nothing_found_on_deposit_and_stake():
    _clean(deposit_and_stake())


def test_nothing_found_on_the_template(tmp_path):
    from near_safe.templates_cli import create

    project = create("explored-vault", tmp_path)
    result = _clean(template_machine(project))
    assert any(line.startswith("settled_when_idle") for line in result.watched)
