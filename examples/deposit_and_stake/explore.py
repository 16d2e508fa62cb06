"""Let near_safe's explorer find the double payout by itself:

    near-safe explore examples/deposit_and_stake

It stakes and withdraws as alice and bob in every order, runs those calls while a stake is
in flight, and makes the pool's receipts fail in every way; the built-in invariants compare
what each user paid in, got back and has credited.  It reports the wrong vault's double
payout with a minimal schedule (as a pytest test) and finds nothing on the near_safe vault."""

from pathlib import Path
from typing import ClassVar

from near_safe.explore import Machine, Settings, amounts, rule
from near_safe.testing import NEAR

HERE = Path(__file__).resolve().parent


def vault_machine(name, vault_file):
    class Vault(Machine):
        users: ClassVar[dict] = {"alice.near": 100, "bob.near": 100}
        settings = Settings(depth=3, budget=300, seed=0)

        def setup(self, rt):
            rt.deploy("pool.near", HERE / "staking_pool.py")
            vault = rt.deploy("vault.near", HERE / vault_file, balance=50 * NEAR)
            vault.call(vault, "new", {"pool": "pool.near"}).unwrap()
            self.track(vault, credited="staked_of")

        @rule(deposit=amounts(1, 10))
        def stake(self, user, deposit):
            self.submit(user, "vault.near", "deposit_and_stake", deposit=deposit)

        @rule(amount=amounts(1, 10))
        def withdraw(self, user, amount):
            self.submit(user, "vault.near", "withdraw", {"amount": str(amount)})

    Vault.__name__ = Vault.__qualname__ = name
    return Vault


WrongVault = vault_machine("WrongVault", "vault_wrong.py")
SafeVault = vault_machine("SafeVault", "vault_safe.py")
