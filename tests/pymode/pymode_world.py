"""Shared world of the CPython-mode tests (imported by conftest.py and the tests): the same contracts deployed in a Wasm-mode and a
CPython-mode runtime (built once per session, restored from a snapshot after every test), and
``observe``, which reduces a transaction outcome to what must agree between the modes.

What must agree: status, return value, logs, the receipt tree (receiver, method, status,
error, refund or not, deposit), contract state, and balances up to gas.  What may differ, by
design: gas figures (CPython mode counts host costs only; gas figures come from Wasm mode) and
what follows from them (tokens burnt, gas refunds, the contract's 30% reward), and the storage
usage of the deployed code (source bytes instead of the Wasm).
"""

from dataclasses import dataclass
from pathlib import Path

import pytest

from near_safe.testing import NEAR, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
MODES = ("wasm", "python")


@dataclass
class World:
    rt: Runtime
    mode: str
    alice: object
    probe: object
    greeter: object
    caller: object
    target: object
    modfail: object


def unflagged_port():
    """The default port, without failing calls that catch a builtin's exception (the probe
    contract does that to report error types and texts; the NLR-defect flag is tested on its
    own in test_port_defects.py)."""
    from near_safe.testing.vm._pymode import resolve_port

    return resolve_port(None).replace(flag_nlr=False)


def _build(mode: str) -> World:
    rt = Runtime(mode=mode, port=unflagged_port() if mode == "python" else None)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    return World(
        rt=rt,
        mode=mode,
        alice=alice,
        probe=rt.deploy("probe.near", CONTRACTS / "probe.py", balance=10 * NEAR),
        greeter=rt.deploy("greeter.near", CONTRACTS / "class_contract.py", balance=10 * NEAR),
        caller=rt.deploy("caller.near", CONTRACTS / "caller.py", balance=10 * NEAR),
        target=rt.deploy("target.near", CONTRACTS / "target.py", balance=10 * NEAR),
        modfail=rt.deploy("modfail.near", CONTRACTS / "modfail.py", balance=10 * NEAR),
    )


_worlds = {}


def _world(mode: str) -> World:
    if mode not in _worlds:
        world = _build(mode)
        _worlds[mode] = (world, world.rt.snapshot())
    world, snap = _worlds[mode]
    world.rt.restore(snap)
    return world


@pytest.fixture
def worlds():
    """``{"wasm": World, "python": World}``, both freshly restored."""
    return {mode: _world(mode) for mode in MODES}


def observe(out) -> dict:
    """The mode-independent facts of a transaction outcome."""
    return {
        "status": out.status,
        "value": out.raw_value,
        "logs": out.logs,
        "error": out.error,
        "receipts": [
            (r.receiver, r.predecessor, r.method, r.actions, r.status, r.error, r.error_kind,
             r.is_refund and r.deposit > 0, r.deposit, r.raw_value, r.logs)
            for r in out.receipts
            # refunds to the signer carry gas (amounts differ by mode): see paid_beyond_gas
            if not (r.is_refund and r.receiver == out.signer)
        ],
    }


def paid_beyond_gas(world: World, before: int, out) -> int:
    """What the signer paid in a transaction besides gas: the deposits it did not get back.
    Each mode's own gas figures are taken out, so the result must agree between modes."""
    return before - world.rt.balance(out.signer) - out.tokens_burnt
