"""Build benchmark (issue 2, section 5): goals, not timed tests.

(a) rebuild of an unchanged contract: `near-safe build` on a contract already in the cache,
    measured as the whole command (a new Python process), median of several runs. Goal <= 1 s.
(b) first build of a new contract with a warm toolchain: a fresh, unique contract each run
    (so it is never a cache hit), measured inside Python, minus any time spent waiting for
    another process's build to release the shared toolchain. Goal <= 20 s.

Run: python bench/bench_build.py  (warms the toolchain first if needed, not counted)
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


def _forget(key: str) -> None:
    """Remove a bench contract's cache entry so benchmark runs do not fill the cache."""
    for suffix in (".wasm", ".json", ".manifest.py"):
        (cache_root() / "wasm" / f"{key}{suffix}").unlink(missing_ok=True)


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
        for key in keys:
            _forget(key)

    rows.append(("rebuild unchanged contract (CLI, median of 5)", statistics.median(hits), 1.0))
    rows.append(("rebuild unchanged contract (in-process API)", in_process, 1.0))
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
    sys.exit(main())
