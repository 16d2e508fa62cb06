"""Gas of near-sdk-py's promise builders (near_safe/contract/_builders.py) beside the same flows
written with safe_call, measured side by side in one run on the embedded runtime (Wasm mode).

Goal: builders as close to safe_call as the design allows.  Both leave through safe_call's
module (contract/_promise.py, ``launch``); the builders' classes are a second module, frozen only
into a contract that names them and imported only by the method that builds a chain, so that
safe_call's users pay nothing for them.  What stays (measured 2026-12-06, issue 14): the calling
receipt imports contract/_builders.py (about 0.2 Tgas: a module import plus three classes; each
class costs about 10 Ggas at every import, each method about 3), and every receipt of a builder
contract pays the frozen module (every frozen KB costs a call Wasm loading and Wasm ops) and the
root's stand-in for ``from near_safe import CrossContract``.  The second table splits the
difference in the same run with three variants of bench_safecall.py: its callback side freezing
_builders.py (never loaded), then also importing CrossContract, then also importing
contract/_builders.py in the calling method; the rest is the chain's own work.

Contracts: tests/promises/contracts/bench_safecall.py and bench_builders.py (same methods,
same callback, same callee tests/promises/contracts/callee.py).

Run:  python bench/bench_promises.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = ROOT / "tests" / "promises" / "contracts"
GAS = 300 * TGAS
FLOWS = [
    # name, method, deposit, callee mode
    ("forward deposit (refund, credit, lock), success", "forward", NEAR, "ok"),
    ("forward deposit, callee fails (refund_to)", "forward", NEAR, "panic"),
    ("forward deposit, callee keeps it and fails", "forward", NEAR, "fail"),
    ("call + callback (lock), success", "ask", 0, "ok"),
]


IMPORT = "from near_safe import ACCOUNT, STR, call, callback, safe_call"
NEVER = "\n\ndef _never():\n    import near_safe\n\n    return near_safe.CrossContract\n"
STEPS = [
    # label, edit of bench_safecall.py's text
    ("_builders.py frozen", lambda s: s + NEVER),
    ("+ CrossContract imported", lambda s: s.replace(IMPORT, IMPORT.replace(
        "callback,", "callback, CrossContract,")) + NEVER),
    ("+ _builders.py imported", lambda s: s.replace(IMPORT, IMPORT.replace(
        "callback,", "callback, CrossContract,")).replace(
        "    d, user = ", "    from near_safe.contract import _builders  # noqa: F401\n\n"
        "    d, user = ")),
]


def burnt_by_receipt(rt, alice, contract, method, deposit):
    snap = rt.snapshot()
    out = alice.call(contract, method, {"callee": "callee.near"}, deposit=deposit, gas=GAS)
    assert out.status == "success", (contract.id, method, out.error)
    rows = {}
    for r in out.receipts:
        if r.receiver == contract.id and not r.is_refund:
            rows[r.method] = rows.get(r.method, 0) + r.gas_burnt
    rt.restore(snap)
    return rows


def split(rt, alice, safecall, builders, tmp: Path):
    """Where builders - safe_call goes (success flow of ``forward``), Ggas per receipt."""
    text = (CONTRACTS / "bench_safecall.py").read_text()
    assert IMPORT in text and "    d, user = " in text, "bench_safecall.py changed: fix STEPS"
    rows = [burnt_by_receipt(rt, alice, safecall, "forward", NEAR)]
    for i, (_, edit) in enumerate(STEPS):
        path = tmp / f"step{i}.py"
        path.write_text(edit(text))
        step = rt.deploy(f"step{i}.near", path, balance=10 * NEAR)
        rows.append(burnt_by_receipt(rt, alice, step, "forward", NEAR))
    rows.append(burnt_by_receipt(rt, alice, builders, "forward", NEAR))
    print("\nwhere builders - safe_call goes (forward, success), Ggas per receipt")
    print(f"{'part':40} {'forward':>9} {'on_result':>10}")
    labels = [label for label, _ in STEPS] + ["the chain's own work (the rest)"]
    for i, label in enumerate(labels):
        print(f"{label:40} " + " ".join(
            f"{(rows[i + 1][m] - rows[i][m]) / 1e9:{w}.1f}"
            for m, w in (("forward", 9), ("on_result", 10))))
    print(f"{'builders - safe_call':40} " + " ".join(
        f"{(rows[-1][m] - rows[0][m]) / 1e9:{w}.1f}" for m, w in (("forward", 9),
                                                                  ("on_result", 10))))


def main():
    rt = Runtime(mode="wasm")
    alice = rt.create_account("alice.near", balance=1000 * NEAR)
    callee = rt.deploy("callee.near", CONTRACTS / "callee.py", balance=10 * NEAR)
    sides = {"safe_call": rt.deploy("safecall.near", CONTRACTS / "bench_safecall.py",
                                    balance=10 * NEAR),
             "builders": rt.deploy("builders.near", CONTRACTS / "bench_builders.py",
                                   balance=10 * NEAR)}
    print("gas burnt per receipt of this contract (Tgas), Wasm mode")
    print(f"{'flow':52} {'receipt':9} {'safe_call':>10} {'builders':>10} {'ratio':>6}")
    worst = 0.0
    for name, method, deposit, mode in FLOWS:
        alice.call(callee, "set_mode", {"mode": mode}).unwrap()
        burnt = {}
        for side, contract in sides.items():
            snap = rt.snapshot()
            out = alice.call(contract, method, {"callee": "callee.near"}, deposit=deposit,
                             gas=GAS)
            assert out.status == "success", (side, name, out.error)
            rows = {}
            for r in out.receipts:
                if r.receiver == contract.id and not r.is_refund:
                    rows[r.method] = rows.get(r.method, 0) + r.gas_burnt
            burnt[side] = rows
            rt.restore(snap)
        for receipt in (method, "on_result"):
            a, b = burnt["safe_call"][receipt], burnt["builders"][receipt]
            worst = max(worst, b / a)
            print(f"{name:52} {receipt:9} {a / TGAS:10.3f} {b / TGAS:10.3f} {b / a:6.3f}")
        a, b = sum(burnt["safe_call"].values()), sum(burnt["builders"].values())
        print(f"{'':52} {'total':9} {a / TGAS:10.3f} {b / TGAS:10.3f} {b / a:6.3f}")
    print(f"worst ratio builders / safe_call: {worst:.3f} (the builders' module and classes on the "
          f"calling receipt, see the docstring)")
    alice.call(callee, "set_mode", {"mode": "ok"}).unwrap()
    with tempfile.TemporaryDirectory() as tmp:
        split(rt, alice, sides["safe_call"], sides["builders"], Path(tmp))


if __name__ == "__main__":
    main()
