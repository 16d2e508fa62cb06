"""End to end: near_safe's explorer (Wasm mode, default invariants and faults) finds no
violation on a vault written with near-sdk-py's builders (contracts/bank_builders.py), and finds
the bug in a copy that credits before the call leaves - the same search, so it can fail."""

from pathlib import Path

from near_safe.explore import Machine, Settings, amounts, rule
from near_safe.testing import NEAR

CONTRACTS = Path(__file__).parent / "contracts"
POOL_SOURCE = Path(__file__).parents[1] / "explore" / "contracts" / "pool.py"
VAULT = "vault.near"
POOL = "pool.near"


class BuilderVault(Machine):
    source = CONTRACTS / "bank_builders.py"
    users = {"alice.near": 100, "bob.near": 100}
    settings = Settings(budget=300)

    def setup(self, rt):
        rt.deploy(POOL, POOL_SOURCE, balance=10 * NEAR)
        vault = rt.deploy(VAULT, self.source, balance=50 * NEAR)
        vault.call(vault, "new", {"pool": POOL}).unwrap()
        self.track(VAULT, credited=("balance_of", "claimable_of"), locks="pending_ops")

    @rule(deposit=amounts(1, 10))
    def stake(self, user, deposit):
        self.submit(user, VAULT, "deposit_and_stake", {}, deposit=deposit)

    @rule(amount=amounts(1, 10))
    def withdraw(self, user, amount):
        self.submit(user, VAULT, "withdraw", {"amount": str(amount)})


class BuggyBuilderVault(BuilderVault):
    source = CONTRACTS / "bank_builders_buggy.py"


def test_explorer_finds_nothing_on_the_builder_vault():
    result = BuilderVault.explore()
    assert not result.found, result.report
    assert result.schedules >= 300 or result.exhausted
    assert result.tried.get("attack", 0) > 0  # the attacker called the callbacks too
    faults = [k for k in result.tried if k.startswith("fault:")]
    assert faults, result.tried


def test_explorer_finds_the_credit_first_bug_in_the_builder_vault():
    result = BuggyBuilderVault.explore()
    assert result.found and result.violation.invariant == "no_unbacked_credit", result.report
