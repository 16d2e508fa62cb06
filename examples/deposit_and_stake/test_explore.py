"""The explorer (explore.py) finds the wrong vault's double payout by itself, and nothing on
the near_safe vault within the same budget; in both runtime modes."""

from pathlib import Path

import pytest

from near_safe.builder import selected_compiler
from near_safe.explore import load_machine
from near_safe.testing import NEAR, Runtime

HERE = Path(__file__).parent
EXPLORE = HERE / "explore.py"


def machine(name, mode):
    base = load_machine(EXPLORE, name)
    return type(name, (base,), {"mode": mode})


@pytest.mark.parametrize("mode", ["wasm", "python"])
def test_explorer_finds_the_double_payout_in_the_wrong_vault_only(mode):
    if mode == "wasm" and selected_compiler() == "py":
        # nearc 0.10's CPython backend cannot forward a deposit of 2**63 yoctoNEAR or more: the
        # wrong vault fails every stake (so there is no double payout to find), and the
        # explorer finds nothing on either vault
        for name in ("WrongVault", "SafeVault"):
            assert not machine(name, mode).explore().found, name
        rt = Runtime()
        vault = rt.deploy("vault.near", HERE / "vault_wrong.py", init="new",
                          args={"pool": "pool.near"})
        out = rt.create_account("alice.near").call(vault, "deposit_and_stake", deposit=NEAR)
        assert "Value must be non-negative" in out.error, out
        assert int(vault.view("staked_of", {"account_id": "alice.near"})) == 0
        return
    wrong = machine("WrongVault", mode).explore()
    assert wrong.found and wrong.violation.invariant == "no_unbacked_credit"
    safe = machine("SafeVault", mode).explore()
    assert not safe.found
    assert safe.schedules == machine("SafeVault", mode).settings.budget  # the whole budget
