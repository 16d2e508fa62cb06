"""Fixtures of the safety-layer tests: one world per runtime mode (Wasm and CPython), built
once per session and restored from a snapshot after every test.

The world: a near_safe vault (tests/safety/contracts/vault.py), a staking pool and a token that
can be made to fail, an attacker contract, and two users.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from worlds import per_mode

from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
TOKENS_FOR_ALICE = 1000


@dataclass
class World:
    rt: Runtime
    mode: str
    vault: object
    staking: object
    token: object
    attacker: object
    alice: object
    bob: object

    def storage(self, account=None):
        return dict(self.rt.storage(account or self.vault))

    def view(self, method, args=None, account=None):
        return self.rt.view(account or self.vault, method, args or {})

    def staked(self, who="alice.near"):
        return int(self.view("staked_of", {"account_id": who}))

    def tokens(self, who="alice.near"):
        return int(self.view("tokens_of", {"account_id": who}))

    def ft_balance(self, who="alice.near"):
        return int(self.view("ft_balance_of", {"account_id": who}, self.token))


def _build_world(mode):
    rt = Runtime(mode=mode)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    bob = rt.create_account("bob.near", balance=100 * NEAR)
    staking = rt.deploy("staking.near", CONTRACTS / "staking.py")
    token = rt.deploy("token.near", CONTRACTS / "token.py")
    attacker = rt.deploy("attacker.near", CONTRACTS / "attacker.py")
    vault = rt.deploy("vault.near", CONTRACTS / "vault.py")
    alice.call(vault, "new", {"staking": "staking.near", "token": "token.near"}).unwrap()
    # The vault holds the users' tokens in the token contract and accounts for them itself.
    alice.call(token, "mint", {"account_id": "vault.near", "amount": str(10**6)}).unwrap()
    vault.call(vault, "credit_tokens",
               {"account_id": "alice.near", "amount": str(TOKENS_FOR_ALICE)}).unwrap()
    return World(rt, mode, vault, staking, token, attacker, alice, bob)


world = per_mode(_build_world)


@pytest.fixture
def gas():
    return TGAS
