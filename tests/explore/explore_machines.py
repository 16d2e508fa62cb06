"""Machines for the explorer's tests and benchmark: a vault in front of a staking pool.

``VaultMachine`` is parametrised by the vault's source and the name of its staking method, so
the same rules and the same default invariants run against each buggy flow of
contracts/bank_buggy.py and against the safe versions.
"""

from pathlib import Path

from near_safe.explore import Machine, Settings, amounts, rule
from near_safe.testing import NEAR

CONTRACTS = Path(__file__).parent / "contracts"
VAULT = "vault.near"
POOL = "pool.near"


class VaultMachine(Machine):
    vault_source = CONTRACTS / "bank_buggy.py"
    stake_method = "stake_credit_first"
    credited_views = ("balance_of",)
    in_flight_view = None  # the buggy vault does not say what it holds in flight
    users = {"alice.near": 100, "bob.near": 100}
    settings = Settings()  # the defaults: depth 3, budget 1000, seed 0

    def setup(self, rt):
        rt.deploy(POOL, CONTRACTS / "pool.py", balance=10 * NEAR)
        vault = rt.deploy(VAULT, self.vault_source, balance=50 * NEAR)
        vault.call(vault, "new", {"pool": POOL}).unwrap()
        self.track(VAULT, credited=self.credited_views, locks="pending_ops",
                   in_flight=self.in_flight_view)

    @rule(deposit=amounts(1, 10))
    def stake(self, user, deposit):
        self.submit(user, VAULT, self.stake_method, {}, deposit=deposit)

    @rule(amount=amounts(1, 10))
    def withdraw(self, user, amount):
        self.submit(user, VAULT, "withdraw", {"amount": str(amount)})


def vault_machine(name, source, method, credited=("balance_of",), in_flight=None,
                  **settings):
    """A VaultMachine subclass for one flow (named, so printed tests can load it)."""
    attrs = {"vault_source": CONTRACTS / source, "stake_method": method,
             "credited_views": credited, "in_flight_view": in_flight}
    if settings:
        attrs["settings"] = VaultMachine.settings.replace(**settings)
    cls = type(name, (VaultMachine,), attrs)
    cls.__module__ = __name__
    cls.__qualname__ = name
    return cls


CreditFirst = vault_machine("CreditFirst", "bank_buggy.py", "stake_credit_first")
PublicCallback = vault_machine("PublicCallback", "bank_buggy.py", "stake_public_cb")
NoRefund = vault_machine("NoRefund", "bank_buggy.py", "stake_no_refund")
Starved = vault_machine("Starved", "bank_buggy.py", "stake_starved")
SharedPending = vault_machine("SharedPending", "bank_buggy.py", "stake_shared")
# the safe vaults also say what they hold in flight: conservation is checked after every step
SafeByHand = vault_machine("SafeByHand", "bank_safe_by_hand.py", "deposit_and_stake",
                           in_flight="in_flight_of")
# near_safe's vault: what it owes a user is the staked balance plus any claimable refund.  No
# in_flight view: a failed stake's deposit goes straight back to the user (refund_to), which
# the vault cannot see, so conservation is checked when idle.
Safe = vault_machine("Safe", "bank_safe.py", "deposit_and_stake",
                     credited=("balance_of", "claimable_of"))
