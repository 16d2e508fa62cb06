"""The explorer (explore.py) finds the wrong vault's double payout by itself, and nothing on
the near_safe vault within the same budget; in both runtime modes."""

from pathlib import Path

import pytest

from near_safe.explore import load_machine

EXPLORE = Path(__file__).parent / "explore.py"


def machine(name, mode):
    base = load_machine(EXPLORE, name)
    return type(name, (base,), {"mode": mode})


@pytest.mark.parametrize("mode", ["wasm", "python"])
def test_explorer_finds_the_double_payout_in_the_wrong_vault_only(mode):
    wrong = machine("WrongVault", mode).explore()
    assert wrong.found and wrong.violation.invariant == "no_unbacked_credit"
    safe = machine("SafeVault", mode).explore()
    assert not safe.found
    assert safe.schedules == machine("SafeVault", mode).settings.budget  # the whole budget
