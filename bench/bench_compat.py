"""near-pytest compatibility benchmark (issue 7): goals, not timed tests.

(a) wall time of the near-pytest-style suite (tests/compat/suite) on the embedded runtime,
    run the way a user runs it: `pytest -p near_safe.compat.plugin`, a new Python process,
    Wasm already built (the build is measured separately);
(b) per-call latency through near-pytest's own API on the embedded runtime (median / p90 over
    many calls): a call, a view, a cross-contract call with its callback, save_state +
    reset_state; next to the same call made directly on near_safe.testing.Runtime, so the cost
    of the near-pytest layer (py-near result objects, JSON shaping) shows;
(c) the real neard sandbox, only if its binary is on this machine; otherwise the table says it
    could not run (near-pytest downloads it at run time, which needs the network).

Run: python bench/bench_compat.py [--rounds N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "compat" / "suite"
CONTRACTS = ROOT / "tests" / "compat" / "contracts"
NEAR = 10**24


def run_suite(extra_args, env_extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_PLUGINS", "NEAR_SAFE_BACKEND", "PYTEST_ADDOPTS")}
    env.update(env_extra or {})
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra_args,
           str(SUITE)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    tail = (proc.stdout.strip().splitlines() or [""])[-1]
    passed = re.search(r"(\d+) passed", tail)
    return wall, proc.returncode, int(passed.group(1)) if passed else 0, tail


def latency(fn, rounds):
    # near-pytest's reset_state prints a spacer line; keep the table readable
    with contextlib.redirect_stdout(io.StringIO()):
        fn()  # warm: compiled module cache, first-call costs
        samples = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


def per_call(rounds):
    from near_safe import compat

    compat.activate()
    from near_pytest.testing import NearTestCase

    class Bench(NearTestCase):
        pass

    quiet = contextlib.redirect_stdout(io.StringIO())  # setup_class prints a spacer line
    quiet.__enter__()
    Bench.setup_class()
    counter_wasm = Bench.compile_contract(CONTRACTS / "counter.py")
    relay_wasm = Bench.compile_contract(CONTRACTS / "relay.py")
    alice = Bench.create_account("alice", initial_balance=1000 * NEAR)
    counter = Bench.deploy_contract(Bench.create_account("counter"), counter_wasm,
                                    init_args={"owner": "alice.test.near"})
    relay = Bench.deploy_contract(Bench.create_account("relay"), relay_wasm,
                                  init_args={"counter": "counter.test.near"})
    Bench.save_state()
    quiet.__exit__(None, None, None)
    case = Bench()
    rt = Bench._sandbox.runtime

    rows = [
        ("call: counter.increment", lambda: counter.call_as(alice, "increment", {"by": 1}),
         lambda: rt.call("alice.test.near", "counter.test.near", "increment", {"by": 1})),
        ("view: counter.get_count", lambda: counter.view("get_count"),
         lambda: rt.view("counter.test.near", "get_count")),
        ("call + callback: relay.bump", lambda: relay.call_as(alice, "bump", {"by": 1}),
         lambda: rt.call("alice.test.near", "relay.test.near", "bump", {"by": 1})),
        ("save_state + reset_state", lambda: (Bench.save_state(), case.reset_state()),
         lambda: rt.restore(rt.snapshot())),
    ]
    out = []
    for name, via_near_pytest, direct in rows:
        np_med, np_p90 = latency(via_near_pytest, rounds)
        rt_med, _ = latency(direct, rounds)
        out.append((name, np_med, np_p90, rt_med))
    Bench.teardown_class()
    compat.deactivate()
    return out


def sandbox_binary():
    found = shutil.which("near-sandbox")
    if found:
        return found
    bins = sorted((Path.home() / ".near-pytest" / "bin").glob("near-sandbox-*"))
    return str(bins[-1]) if bins else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="calls per latency figure")
    args = parser.parse_args()

    from near_safe.builder import build_contract

    t0 = time.perf_counter()
    for contract in sorted(CONTRACTS.glob("*.py")):
        build_contract(contract, progress=False)
    build_s = time.perf_counter() - t0

    wall, code, passed, tail = run_suite(["-p", "near_safe.compat.plugin"])
    start_wall, _, _, _ = run_suite(["-p", "near_safe.compat.plugin", "--collect-only"])
    status = "ok" if code == 0 else f"FAILED (exit {code}): {tail}"

    print("near-pytest suite (tests/compat/suite), embedded runtime, Wasm mode")
    print(f"  {'contract builds (cached after the first run)':<46} {build_s:8.2f} s")
    print(f"  {'suite wall time, new pytest process':<46} {wall:8.2f} s   "
          f"{passed} tests, {status}")
    print(f"  {'  of which start-up, imports, collection':<46} {start_wall:8.2f} s")
    if passed:
        print(f"  {'  running the tests, per test':<46} "
              f"{(wall - start_wall) / passed * 1000:8.1f} ms")

    binary = sandbox_binary()
    if binary:
        s_wall, s_code, s_passed, s_tail = run_suite(["--near-backend=sandbox",
                                                      "-p", "near_safe.compat.plugin"])
        s_status = "ok" if s_code == 0 else f"FAILED (exit {s_code}): {s_tail}"
        print(f"  {'same suite on the neard sandbox (' + binary + ')':<46} {s_wall:8.2f} s   "
              f"{s_passed} tests, {s_status}")
        if code == 0 and s_code == 0:
            print(f"  {'sandbox / embedded':<46} {s_wall / wall:8.1f} x")
    else:
        print("  neard sandbox: NOT RUN - no near-sandbox binary on this machine (not in PATH,")
        print("    not in ~/.near-pytest/bin) and near-pytest's run-time download needs network")
        print("    access this machine does not have; no sandbox figure is given.")

    print()
    print(f"per-call latency, warm, {args.rounds} calls each (ms)")
    print(f"  {'operation':<32} {'near-pytest median':>18} {'p90':>8} {'Runtime direct':>15} "
          f"{'layer cost':>11}")
    for name, med, p90, direct in per_call(args.rounds):
        print(f"  {name:<32} {med:18.2f} {p90:8.2f} {direct:15.2f} {med - direct:11.2f}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
