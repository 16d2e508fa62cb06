"""Fixtures of the class-surface tests (near_safe's drop-in of near-sdk-py's names): one world
per runtime mode, built once per session and restored from a snapshot after every test."""

from dataclasses import dataclass
from pathlib import Path

from worlds import per_mode

from near_safe.testing import NEAR, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
ANSWERER = Path(__file__).parents[1] / "safety" / "contracts" / "answerer.py"  # answers any bytes


@dataclass
class World:
    rt: Runtime
    mode: str
    alice: object
    bob: object
    greeter: object
    callee: object
    asker: object
    shelf: object
    shelf_functions: object
    answerer: object

    def storage(self, account):
        return dict(self.rt.storage(account))


def _build(mode):
    rt = Runtime(mode=mode)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    bob = rt.create_account("bob.near", balance=100 * NEAR)
    greeter = rt.deploy("greeter.near", CONTRACTS / "greeter.py", balance=10 * NEAR)
    alice.call(greeter, "new", {"owner": "alice.near"}).unwrap()
    callee = rt.deploy("callee.near", CONTRACTS / "sdk_callee.py", balance=10 * NEAR)
    asker = rt.deploy("asker.near", CONTRACTS / "asker.py", balance=10 * NEAR)
    shelf = rt.deploy("shelf.near", CONTRACTS / "shelf.py", balance=10 * NEAR)
    shelf_functions = rt.deploy("shelf-functions.near", CONTRACTS / "shelf_functions.py",
                                balance=10 * NEAR)
    answerer = rt.deploy("answerer.near", ANSWERER)
    return World(rt, mode, alice, bob, greeter, callee, asker, shelf, shelf_functions, answerer)


world = per_mode(_build)
