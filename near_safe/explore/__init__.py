"""near_safe.explore: find cross-contract bugs by exploring schedules (CPython only).

Describe the system as a :class:`Machine` (hypothesis ``RuleBasedStateMachine`` style): users,
``setup`` deploying contracts, ``@rule`` user actions that submit transactions, ``@invariant``
predicates over the runtime, and ``track(...)`` to switch on the built-in money invariants.
The explorer then runs schedules generated from a seed on the embedded runtime: other actions
between every cross-contract call and its callback, external receipts failing in each way,
attached gas at the boundaries.  A broken invariant is shrunk to a minimal schedule and printed
as a runnable pytest test.  See docs/explorer.md.

    from near_safe.explore import Machine, rule, amounts

    class Vault(Machine):
        def setup(self, rt):
            ...
            self.track(vault, credited="balance_of", locks="pending_ops")

        @rule(deposit=amounts(1, 10))
        def stake(self, user, deposit):
            self.submit(user, "vault.near", "deposit_and_stake", deposit=deposit)

    def test_vault():
        Vault.check()
"""

from ._engine import ExploreResult, ViolationFound, explore
from ._loader import load_folder, load_machine
from ._faults import ANSWERS
from ._machine import (BUILTINS, FAULT_KINDS, FAULTS, WATCHES, Machine, Settings, invariant,
                       precondition, rule)
from ._run import InvariantViolation, Run
from ._strategies import Strategy, amounts, integers, just, sampled_from

__all__ = sorted([
    "ANSWERS", "BUILTINS", "ExploreResult", "FAULTS", "FAULT_KINDS", "InvariantViolation",
    "Machine", "Run", "Settings", "WATCHES",
    "Strategy", "ViolationFound", "amounts", "explore", "integers", "invariant", "just",
    "load_folder", "load_machine", "precondition", "rule", "sampled_from",
])
