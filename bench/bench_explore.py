"""Explorer benchmark (issue 6): goals, not timed tests.

(a) schedules explored per second on the deposit_and_stake vault in Wasm mode, with snapshot
    reuse: the near_safe vault (tests/explore/contracts/bank_safe.py) and the hand-written safe
    one, depth 3, budget 1000 (no violation, so the whole budget is explored).  Goal >= 200/s.
    Also printed: receipts actually run vs the receipts a from-scratch replay of every explored
    schedule would run (what the snapshots save), and the same run in CPython mode.
(b) time to the first violation on each buggy flow of tests/explore/contracts/bank_buggy.py
    (exploration only, then with shrinking and the report).
(c) the same for each deliberately vulnerable contract of tests/explore/contracts/vulnerable/
    (issue 10's classes, found by the convention-free invariants), and for seeds 0-3: how many
    of them find it within the default budget.
(d) what the convention-free invariants cost: the Safe vault explored with them (default) and
    without (watch=()), side by side in one run.

Run: python bench/bench_explore.py   (contracts are built through the cache first, not counted)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "explore"))

import explore_machines as m
import vulnerable_machines as v

from near_safe.builder import build_contract

GOAL_SCHEDULES_PER_S = 200


def main() -> int:
    for name in ("pool.py", "bank_safe.py", "bank_safe_by_hand.py", "bank_buggy.py"):
        build_contract(m.CONTRACTS / name, progress=False)
    for path in sorted(v.HERE.glob("*.py")):
        build_contract(path, progress=False)

    print("(a) schedules per second, deposit_and_stake, depth 3, budget 1000, seed 0")
    print("   sched/s = schedules per wall second; per CPU s = per second of this process's CPU "
          "time\n   (the machine has 2 cores shared with other work: the CPU figure is the "
          "one the goal is judged on)")
    print(f"{'machine':<12} {'mode':<7} {'schedules':>9} {'states':>7} {'receipts':>8} "
          f"{'replay would run':>16} {'wall s':>7} {'sched/s':>8} {'per CPU s':>9} "
          f"{'goal':>5} {'ratio':>6}")
    ok = True
    for machine in (m.Safe, m.SafeByHand):
        for mode in ("wasm", "python"):
            cls = type(machine.__name__, (machine,), {"mode": mode})
            cls.explore(budget=5)  # compile the Wasm modules, warm caches (not counted)
            r = cls.explore(depth=3, budget=1000, seed=0)
            rate = r.schedules / r.elapsed
            cpu_rate = r.schedules / r.cpu_seconds
            goal = f"{GOAL_SCHEDULES_PER_S}" if mode == "wasm" else "-"
            ratio = f"{cpu_rate / GOAL_SCHEDULES_PER_S:.2f}" if mode == "wasm" else "-"
            if mode == "wasm" and cpu_rate < GOAL_SCHEDULES_PER_S:
                ok = False
            print(f"{machine.__name__:<12} {mode:<7} {r.schedules:>9} {r.nodes:>7} "
                  f"{r.receipts:>8} {r.replay_receipts:>16} {r.elapsed:>7.2f} {rate:>8.0f} "
                  f"{cpu_rate:>9.0f} {goal:>5} {ratio:>6}")
            if r.found:
                print(f"  unexpected violation: {r.violation}")
                ok = False

    print()
    print("(b) time to first violation, bank_buggy.py flows, Wasm mode, default settings")
    print(f"{'flow':<16} {'invariant':<20} {'schedules':>9} {'explore s':>9} {'+shrink s':>9} "
          f"{'steps':>10}")
    for machine in (m.CreditFirst, m.PublicCallback, m.NoRefund, m.Starved, m.SharedPending):
        machine.explore(budget=1)  # warm (not counted)
        t0 = time.perf_counter()
        r = machine.explore()
        total = time.perf_counter() - t0
        if not r.found:
            print(f"{machine.__name__:<16} NOT FOUND in {r.schedules} schedules")
            ok = False
            continue
        print(f"{machine.__name__:<16} {r.violation.invariant:<20} {r.schedules:>9} "
              f"{r.time_to_violation:>9.2f} {total:>9.2f} "
              f"{r.original_length:>4} -> {len(r.schedule):<3}")
    print()
    print("(c) time to first violation, contracts/vulnerable/, Wasm mode, default settings")
    print(f"{'machine':<18} {'invariant':<20} {'schedules':>9} {'explore s':>9} {'+shrink s':>9}"
          f" {'seeds 0-3 found':>16}")
    for machine in v.EXPECTED:
        machine.explore(budget=1)  # build and warm (not counted)
        t0 = time.perf_counter()
        r = machine.explore()
        total = time.perf_counter() - t0
        seeds = sum(machine.explore(seed=s, shrink=False).found for s in range(4))
        if not r.found:
            print(f"{machine.__name__:<18} NOT FOUND in {r.schedules} schedules")
            ok = False
            continue
        print(f"{machine.__name__:<18} {r.violation.invariant:<20} {r.schedules:>9} "
              f"{r.time_to_violation:>9.2f} {total:>9.2f} {seeds:>14}/4")

    print()
    print("(d) convention-free invariants: cost, Safe vault, depth 3, budget 1000, Wasm mode")
    rates = {}
    for watch in (m.Safe.settings.watch, ()):
        r = m.Safe.explore(watch=watch)
        rates[bool(watch)] = r.schedules / r.cpu_seconds
        print(f"  watch={'default' if watch else '()':<8} {r.schedules} schedules, "
              f"{r.cpu_seconds:.2f} CPU s, {rates[bool(watch)]:.0f} schedules per CPU s")
    print(f"  ratio with/without: {rates[True] / rates[False]:.2f}")
    print()
    print("all goals met" if ok else "some goals NOT met (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
