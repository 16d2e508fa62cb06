"""Gas of near-sdk-py's promise builders (near_safe/contract/_promise.py) beside the same flows
written with safe_call, measured side by side in one run on the embedded runtime (Wasm mode).
Goal: the builder flow costs no more than safe_call's (ratio <= 1.00); the builders import one
more module (contract/_promise.py) in the calling method only.

Contracts: tests/promises/contracts/bench_safecall.py and bench_builders.py (same methods,
same callback, same callee tests/promises/contracts/callee.py).

Run:  python bench/bench_promises.py
"""

from __future__ import annotations

import sys
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
    print(f"worst ratio builders / safe_call: {worst:.3f} (goal <= 1.00)")


if __name__ == "__main__":
    main()
