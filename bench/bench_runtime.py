"""Embedded runtime speed (issue 2, section 5): goals, printed as a table, not timed tests.

  simple call        one warm near-sdk-py ``@call`` in Wasm mode, as a transaction      <= 3 ms
  call + callback    A.f -> B.g -> A.cb across two contracts, Wasm mode, warm           <= 10 ms
  snapshot+restore   of a runtime whose contract holds 1,000 keys (after a write)     <= 1 ms
  CPython speed-up   see bench_modes.py (same call, both modes, one run)

Medians over many runs, measured in this process after a warm-up (modules compiled, Wasm cached).
Run: python bench/bench_runtime.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from near_safe.testing import NEAR, TGAS, Runtime

CALLER = '''"""bench_runtime: the caller side of a cross-contract call with a callback."""
import near
from near_sdk_py import Contract, call
from near_sdk_py.promises import callback


class Caller(Contract):
    @call
    def ping(self, n=0):
        self.storage["n"] = n
        return n

    @call
    def ask(self, callee):
        p = near.promise_create(callee, "answer", "{}", 0, 10 * 10**12)
        near.promise_return(near.promise_then(p, near.current_account_id(), "on_answer", "{}",
                                              0, 10 * 10**12))

    @callback
    def on_answer(self, result):
        self.storage["last"] = result.data
        return result.data
'''

CALLEE = '''"""bench_runtime: the callee side."""
from near_sdk_py import call


@call
def answer():
    return 42
'''


def _median_ms(fn, runs):
    fn()  # warm
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        caller_src = Path(tmp, "caller.py")
        callee_src = Path(tmp, "callee.py")
        caller_src.write_text(CALLER)
        callee_src.write_text(CALLEE)
        rt = Runtime(mode="wasm")
        alice = rt.create_account("alice.near", balance=1000 * NEAR)
        caller = rt.deploy("caller.near", caller_src, balance=10 * NEAR)
        callee = rt.deploy("callee.near", callee_src, balance=10 * NEAR)

        def simple():
            out = alice.call(caller, "ping", {"n": 1}, gas=30 * TGAS)
            assert out.status == "success", out

        def cross():
            out = alice.call(caller, "ask", {"callee": callee.id}, gas=100 * TGAS)
            assert out.status == "success" and out.value == 42, out

        simple_ms = _median_ms(simple, args.runs)
        cross_ms = _median_ms(cross, args.runs)
        cross_out = alice.call(caller, "ask", {"callee": callee.id}, gas=100 * TGAS)

        # 1,000 keys in the contract's storage, then snapshot / write / restore.
        rt.patch_state(caller, data={f"key{i:04d}": "v" * 32 for i in range(1000)})
        assert len(rt.storage(caller.id)) >= 1000
        samples = []
        for _ in range(args.runs * 5):
            t0 = time.perf_counter()
            snap = rt.snapshot()
            t1 = time.perf_counter()
            rt.patch_state(caller, data={"key0001": "changed"})
            t2 = time.perf_counter()
            rt.restore(snap)
            t3 = time.perf_counter()
            assert rt.storage(caller.id)[b"key0001"] == b"v" * 32
            samples.append((t1 - t0) + (t3 - t2))
        snap_ms = statistics.median(samples) * 1e3

    rows = [
        ("simple call, Wasm, warm", simple_ms, 3.0),
        (f"call + callback ({len(cross_out.receipts)} receipts)", cross_ms, 10.0),
        ("snapshot + restore, 1,000 keys", snap_ms, 1.0),
    ]
    print(f"embedded runtime, median of {args.runs} runs")
    print(f"{'measure':38} {'ms':>9} {'goal ms':>8} {'goal/measured':>14}  met")
    for name, ms, goal in rows:
        print(f"{name:38} {ms:9.3f} {goal:8.1f} {goal / ms:13.1f}x  {'yes' if ms <= goal else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
