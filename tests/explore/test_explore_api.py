"""The Machine API: decorators that check their own use, settings, strategies, user-defined
invariants and preconditions, built-in invariants switched off."""

import random

import pytest
from explore_machines import CONTRACTS, POOL, VAULT, CreditFirst, VaultMachine

from near_safe.errors import NearSafeError, UsageError
from near_safe.explore import (
    Machine,
    Settings,
    amounts,
    integers,
    invariant,
    precondition,
    rule,
    sampled_from,
)
from near_safe.testing import NEAR


def test_rule_parameter_without_strategy_is_refused_at_decoration():
    with pytest.raises(UsageError, match=r"\['amount'\] have no strategy.*@rule\(amount="):
        @rule()
        def withdraw(self, user, amount):
            pass


def test_rule_strategy_for_no_parameter_is_refused():
    with pytest.raises(UsageError, match="name no parameter"):
        @rule(amout=amounts(1))
        def withdraw(self, user, amount=0):
            pass


def test_invariant_misuse_is_refused():
    with pytest.raises(UsageError, match=r"@invariant\(\) with parentheses"):
        @invariant
        def bad(self):
            pass
    with pytest.raises(UsageError, match=r"takes \(self\) or \(self, rt\)"):
        @invariant()
        def bad2(self, rt, extra):
            pass


def test_errors_derive_from_the_root_error():
    from near_safe.explore import InvariantViolation, ViolationFound

    for error in (UsageError, ViolationFound, InvariantViolation):
        assert issubclass(error, NearSafeError)
    # and a violation still fails a test the way an assert does
    assert issubclass(ViolationFound, AssertionError)


@pytest.mark.parametrize("bad, match", [
    ({"depth": 0}, "Settings.depth=0"),
    ({"budget": -1}, "Settings.budget=-1"),
    ({"faults": ("boom",)}, "unknown fault"),
    ({"builtins": ("solvency",)}, "unknown invariant"),
])
def test_bad_settings_name_the_problem(bad, match):
    with pytest.raises(UsageError, match=match):
        Settings(**bad)


def test_strategies_are_deterministic_and_hit_boundaries():
    s = integers(0, 100)
    a = [s.draw(random.Random(7)) for _ in range(3)]
    b = [s.draw(random.Random(7)) for _ in range(3)]
    assert a == b
    draws = {s.draw(random.Random(i)) for i in range(200)}
    assert {0, 1, 99, 100} <= draws
    assert list(s.simpler(40)) == [0, 20]
    assert list(sampled_from(["a", "b", "c"]).simpler("c")) == ["a", "b"]
    assert amounts(1, 10).values == [NEAR, 10 * NEAR]
    with pytest.raises(UsageError, match="empty"):
        sampled_from([])


class StakeCounted(VaultMachine):
    """The safe vault, built-ins off, one user-defined invariant that breaks once a stake
    reached the pool, and an idle-only invariant that counts when it is checked."""

    vault_source = CONTRACTS / "bank_safe.py"
    stake_method = "deposit_and_stake"
    settings = Settings(depth=1, budget=50, builtins=(), gas_variants=False, attacker=False)
    idle_checks = []

    @invariant()
    def pool_holds_nothing(self, rt):
        staked = int(rt.view(POOL, "get_stake", {"account_id": VAULT}))
        assert staked == 0, f"pool holds {staked} for the vault"

    @invariant(idle_only=True)
    def count_idle(self, rt):
        type(self).idle_checks.append(rt.pending())
        return True


def test_user_invariant_violation_is_reported_with_its_message():
    result = StakeCounted.explore()
    assert result.found and result.violation.invariant == "pool_holds_nothing"
    assert "pool holds 1000000000000000000000000 for the vault" in result.report
    assert StakeCounted.idle_checks and all(p == [] for p in StakeCounted.idle_checks)


class NoWithdraw(VaultMachine):
    settings = Settings(depth=2, budget=60, gas_variants=False, attacker=False)
    seen = []

    @precondition(lambda self, rt: False)
    @rule(amount=amounts(1))
    def withdraw(self, user, amount):
        type(self).seen.append(amount)
        self.submit(user, VAULT, "withdraw", {"amount": str(amount)})


def test_precondition_keeps_a_rule_out():
    NoWithdraw.explore()
    assert NoWithdraw.seen == []


def test_builtins_off_finds_nothing_on_the_double_payout():
    plain = type("Plain", (CreditFirst,), {})
    result = plain.explore(builtins=(), watch=(), budget=100)
    assert not result.found
    assert CreditFirst.explore().found  # while the built-ins find it
    # and so do the convention-free invariants alone: a user is paid twice
    alone = plain.explore(builtins=())
    assert alone.found and alone.violation.invariant == "attacker_not_richer"


def test_machine_without_setup_says_so():
    class Empty(Machine):
        @rule()
        def nothing(self):
            pass

    with pytest.raises(UsageError, match="must define setup"):
        Empty.explore()


def test_star_import_gives_the_public_api():
    namespace = {}
    exec("from near_safe.explore import *", namespace)
    for name in ("Machine", "rule", "invariant", "precondition", "Settings", "amounts",
                 "load_machine", "load_folder", "ViolationFound", "InvariantViolation"):
        assert name in namespace


class StuckLock(VaultMachine):
    """A lock view that never empties: unlocked_when_idle reports it at the first idle state."""

    vault_source = CONTRACTS / "bank_safe.py"
    stake_method = "deposit_and_stake"
    settings = Settings(depth=1, budget=20, gas_variants=False, attacker=False)

    def setup(self, rt):
        super().setup(rt)
        self._tracked[0].locks = lambda rt: ["stuck"]


def test_unlocked_when_idle_reports_what_is_still_locked():
    result = StuckLock.explore()
    assert result.found and result.violation.invariant == "unlocked_when_idle"
    assert "'stuck'" in result.violation.message and result.violation.idle


def test_max_steps_drains_the_rest_without_faults():
    short = type("Short", (CreditFirst,), {})
    result = short.explore(max_steps=1, budget=30, gas_variants=False, attacker=False)
    assert result.tried.get("drain", 0) > 0
    # past max_steps nothing is injected, so no fault can follow the first delivery
    assert not result.found or all(
        getattr(step, "fault", None) is None for step in result.schedule[2:])


@pytest.mark.parametrize("mode", ["wasm", "python"])
def test_both_runtime_modes_find_the_double_payout_and_clear_the_safe_vault(mode):
    from explore_machines import Safe

    buggy = type("CreditFirstMode", (CreditFirst,), {"mode": mode})
    safe = type("SafeMode", (Safe,), {"mode": mode})
    assert buggy.explore().violation.invariant == "no_unbacked_credit"
    assert not safe.explore(budget=200).found


def test_conservation_is_checked_in_flight_when_contracts_say_what_they_hold():
    from explore_machines import SafeByHand

    assert not SafeByHand.explore(budget=100).found  # in_flight_of accounts for every yocto

    class Forgetful(SafeByHand):
        """Claims to hold nothing in flight: the deposit forwarded to the pool is missing from
        the ledger between the call and the callback."""

        def setup(self, rt):
            super().setup(rt)
            self._tracked[0].in_flight = lambda rt, user: 0

    result = Forgetful.explore(budget=100, shrink=False)
    assert result.found and result.violation.invariant == "conservation"
    assert not result.violation.idle and "unaccounted for" in result.violation.message


def test_dropped_snapshots_are_rebuilt_from_an_ancestor(monkeypatch):
    """With room for only 3 snapshots the exploration re-applies steps from ancestors and
    reaches exactly the same states, receipts and verdict."""
    from explore_machines import Safe
    from near_safe.explore import _engine

    full = Safe.explore(budget=60)
    monkeypatch.setattr(_engine, "MAX_SNAPSHOTS", 3)
    tight = Safe.explore(budget=60)
    assert (tight.nodes, tight.schedules, tight.tried) == (full.nodes, full.schedules, full.tried)
    assert not tight.found


def test_as_test_gives_a_pytest_function():
    from explore_machines import NoRefund, Safe

    from near_safe.explore import ViolationFound

    Safe.as_test(budget=30)()  # passes
    with pytest.raises(ViolationFound, match="invariant `conservation` broken"):
        NoRefund.as_test()()


def test_more_draws_cover_argument_combinations_a_shallow_search_misses():
    """At depth 2 one argument draw per rule and state misses the double payout for some
    seeds (the withdraw drawn in the window is another user's or too large); two draws miss
    it for fewer seeds."""
    # the convention-free invariants (watch) would see the bug another way: off here
    shallow = {"depth": 2, "budget": 400, "shrink": False, "watch": (),
               "faults": ("panic", "out_of_gas")}
    seeds = range(1, 7)
    missed = {draws: [seed for seed in seeds
                      if not CreditFirst.explore(seed=seed, draws=draws, **shallow).found]
              for draws in (1, 2)}
    assert len(missed[2]) < len(missed[1]), missed


def test_a_tracked_view_that_fails_is_a_usage_error_naming_it():
    class WrongView(VaultMachine):
        def setup(self, rt):
            super().setup(rt)
            self._tracked[0].credited = ("no_such_view",)

    with pytest.raises(UsageError, match=r"view vault.near.no_such_view\(.*\) failed"):
        WrongView.explore(budget=5)


def test_users_must_be_a_dict_of_balances():
    bad = type("Bad", (VaultMachine,), {"users": ["alice.near"]})
    with pytest.raises(UsageError, match=r"give a dict \{account id: NEAR balance\}"):
        bad.explore(budget=1)


def test_check_that_watched_nothing_is_a_usage_error_not_a_pass():
    """No @invariant, no track(), no attacker, no value moved: a clean run means nothing, so
    check() says so instead of passing."""

    class Idle(Machine):
        attacker = None
        settings = Settings(depth=1, budget=5, gas_variants=False)

        def setup(self, rt):
            rt.deploy(POOL, CONTRACTS / "pool.py", balance=10 * NEAR)

        @rule()
        def look(self, user):
            self.submit(user, POOL, "get_stake", {"account_id": user})

    result = Idle.explore()
    assert not result.found and result.watched == []
    assert "WATCHED NOTHING" in result.summary()
    with pytest.raises(UsageError, match="watched nothing"):
        Idle.check()
