"""Build benchmark (issue 2, section 5): goals, not timed tests.

(a) rebuild of an unchanged contract: `near-safe build` on a contract already in the cache,
    measured as the whole command (a new Python process), median of several runs. Goal <= 1 s.
(b) first build of a new contract with a warm toolchain: a fresh, unique contract each run
    (so it is never a cache hit), measured inside Python, minus any time spent waiting for
    another process's build to release the shared toolchain. Goal <= 20 s.
(c) deploy of an unchanged contract: a new Python process that runs ``Runtime().deploy(x.py)``
    (a builder cache hit) and one call (the compiled module comes from the disk cache), as a
    user's first test pays it, median of several runs. Goal <= 2 s.

Run: python bench/bench_build.py  (warms the toolchain first if needed, not counted)

Before/after a change: ``python bench/bench_build.py --against DIR`` where DIR holds another
copy of the package (e.g. ``git archive <commit> | tar -x -C DIR``): (a) and (c) are measured
for both, alternating run by run so machine load hits both alike, and the ratios printed.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from near_safe.builder import build, cache_root, warm

CONTRACT = '''"""bench contract {tag}"""
import near_safe
from near_sdk_py import call, view, Storage


@view
def get():
    return Storage.get_string("v") or ""


@call
def put(value: str):
    Storage.set("v", value)
    return value
'''

DEPLOY = """
from near_safe.testing import Runtime
rt = Runtime()
rt.deploy("c.near", {path!r})
rt.create_account("u.near")
assert rt.call("u.near", "c.near", "put", {{"value": "x"}}).status == "success"
"""


def _forget(key: str) -> None:
    """Remove a bench contract's cache entries (Wasm and compiled module) so benchmark runs
    do not fill the cache."""
    import hashlib

    wasm = cache_root() / "wasm" / f"{key}.wasm"
    if wasm.is_file():
        digest = hashlib.sha256(wasm.read_bytes()).hexdigest()
        for cwasm in (cache_root() / "wasmtime").glob(digest + "-*.cwasm"):
            cwasm.unlink(missing_ok=True)
    for suffix in (".wasm", ".json", ".manifest.py"):
        (cache_root() / "wasm" / f"{key}{suffix}").unlink(missing_ok=True)


def against(other: str, rounds: int = 9) -> int:
    """(a) and (c) for this checkout and ``other``, alternating, with ratios."""
    import os

    trees = {"this": str(Path(__file__).resolve().parents[1]), "other": other}
    with tempfile.TemporaryDirectory(prefix="near_safe_bench_") as tmp:
        path = Path(tmp) / "bench_against.py"
        path.write_text(CONTRACT.format(tag=uuid.uuid4().hex))
        cli = [sys.executable, "-m", "near_safe.cli", "build", str(path), "--quiet"]
        deploy = [sys.executable, "-c", DEPLOY.format(path=str(path))]
        envs = {k: dict(os.environ, PYTHONPATH=v) for k, v in trees.items()}
        for env in envs.values():  # build and compile once for each (not counted)
            subprocess.run(cli, env=env, check=True, capture_output=True, cwd=tmp)
            subprocess.run(deploy, env=env, check=True, cwd=tmp)
        times = {k: {"cli": [], "deploy": []} for k in trees}
        for _ in range(rounds):
            for name, env in envs.items():
                t0 = time.perf_counter()
                out = subprocess.run(cli, env=env, check=True, capture_output=True, text=True,
                                     cwd=tmp).stdout
                times[name]["cli"].append(time.perf_counter() - t0)
                assert out.strip().endswith("(cached)"), out
                t0 = time.perf_counter()
                subprocess.run(deploy, env=env, check=True, cwd=tmp)
                times[name]["deploy"].append(time.perf_counter() - t0)
    print(f"this checkout: {trees['this']}  other: {other}  (median of {rounds}, alternating)")
    for what, label in (("cli", "rebuild unchanged contract (CLI)"),
                        ("deploy", "deploy unchanged contract + one call")):
        a = statistics.median(times["this"][what])
        b = statistics.median(times["other"][what])
        print(f"{label:40s} this {a:.3f}s  other {b:.3f}s  ratio this/other {a / b:.2f}")
    return 0


def main() -> int:
    warm(progress=False)
    rows = []
    with tempfile.TemporaryDirectory(prefix="near_safe_bench_") as tmp:
        # (b) first build of a new contract, warm toolchain
        firsts = []
        waits = []
        keys = []
        for _ in range(2):
            path = Path(tmp) / f"bench_{uuid.uuid4().hex[:8]}.py"
            path.write_text(CONTRACT.format(tag=uuid.uuid4().hex))
            t0 = time.perf_counter()
            result = build(path, progress=False)
            # Another process's build holding the shared toolchain is not this build's cost.
            firsts.append(time.perf_counter() - t0 - result.lock_wait)
            waits.append(result.lock_wait)
            assert not result.cached, "a unique contract must not be a cache hit"
            keys.append(result.key)
        # (a) unchanged contract through the real CLI (process start included)
        cli = [sys.executable, "-m", "near_safe.cli", "build", str(path), "--quiet"]
        hits = []
        for _ in range(5):
            t0 = time.perf_counter()
            out = subprocess.run(cli, capture_output=True, text=True, check=True).stdout
            hits.append(time.perf_counter() - t0)
            assert out.strip().endswith("(cached)"), out
        t0 = time.perf_counter()
        assert build(path, progress=False).cached
        in_process = time.perf_counter() - t0
        # (c) deploy + one call of the unchanged contract in a new process
        script = DEPLOY.format(path=str(path))
        subprocess.run([sys.executable, "-c", script], check=True)  # compiled-module cache
        deploys = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", script], check=True)
            deploys.append(time.perf_counter() - t0)
        for key in keys:
            _forget(key)

    rows.append(("rebuild unchanged contract (CLI, median of 5)", statistics.median(hits), 1.0))
    rows.append(("rebuild unchanged contract (in-process API)", in_process, 1.0))
    rows.append(("deploy unchanged contract + one call (new process, median of 5)",
                 statistics.median(deploys), 2.0))
    rows.append(("first build of a new contract, warm toolchain (median of 2)",
                 statistics.median(firsts), 20.0))
    if sum(waits) >= 0.1:
        print(f"(first builds waited {sum(waits):.1f}s in total for other processes' builds; "
              "not counted)")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'measured':>9}  {'goal':>7}  {'ratio':>6}  ok")
    for name, value, goal in rows:
        ratio = value / goal
        print(f"{name.ljust(width)}  {value:8.3f}s  {goal:6.1f}s  {ratio:6.2f}  "
              f"{'yes' if ratio <= 1 else 'NO'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--against":
        sys.exit(against(sys.argv[2]))
    sys.exit(main())
