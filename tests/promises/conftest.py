"""Fixtures of the promise-builder tests: one world per runtime mode (Wasm gives the verdict,
CPython mode must agree), built once per session and restored from a snapshot after every test.

The world: a wallet written with near-sdk-py's builders (contracts/builders.py), a callee
whose answers its owner sets (contracts/callee.py), and a user with 10 NEAR in the wallet.
"""

from pathlib import Path

from worlds import per_mode

from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
WALLET = "wallet.near"
CALLEE = "callee.near"
GAS = 300 * TGAS
TOP_UP = 10 * NEAR


class World:
    def __init__(self, mode):
        rt = self.rt = Runtime(mode=mode)
        self.mode = mode
        self.alice = rt.create_account("alice.near", balance=100 * NEAR)
        self.callee = rt.deploy(CALLEE, CONTRACTS / "callee.py", balance=10 * NEAR)
        self.wallet = rt.deploy(WALLET, CONTRACTS / "builders.py", balance=10 * NEAR)
        self.alice.call(self.wallet, "top_up", deposit=TOP_UP).unwrap()

    def call(self, method, args=None, deposit=0, gas=GAS):
        return self.alice.call(self.wallet, method, args or {}, deposit=deposit, gas=gas)

    def mode_of_callee(self, mode):
        self.alice.call(self.callee, "set_mode", {"mode": mode}).unwrap()

    def balance(self, who="alice.near"):
        return int(self.wallet.view("balance_of", {"account_id": who}))

    def done(self, who="alice.near"):
        return int(self.wallet.view("done_of", {"account_id": who}))

    def near(self, account):
        return self.rt.balance(account)

    def ns_keys(self):
        """near_safe's in-flight records and locks left in the wallet's state."""
        return sorted(k for k in self.rt.storage(WALLET)
                      if k.startswith((b"_ns:op:", b"_ns:lock:")))

    def storage(self):
        return dict(self.rt.storage(WALLET))


w = per_mode(World)
