"""Build, two at a time, the contracts a CPython-backend run of the 3.13 lane will deploy
(.ci/lane313 with NEAR_SAFE_COMPILER=py runs it inside the root, with the pytest arguments).

Which contracts: those the lane's MicroPython run built (the build log of the cache,
``builds.log``) that lie under the folders named in the arguments (``tests/safety examples``)
and still exist.  A CPython build takes about a minute on one core and about 1 GB: two in parallel
halve the wait on two cores, and the tests then find them in the Wasm cache.  A contract that
fails to build is reported here and again by the test that deploys it.  Prints one line per
contract and the total.
"""

import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path


def contracts(folders: list[str]) -> list[Path]:
    from near_safe._facts import cache_root

    log = cache_root() / "builds.log"
    roots = [Path(f).resolve() for f in folders if not f.startswith("-") and Path(f).exists()]
    found = set()
    if log.is_file():
        for line in log.read_text().splitlines():
            parts = line.split(maxsplit=3)
            if len(parts) == 4:
                path = Path(parts[3])
                if path.is_file() and any(path.is_relative_to(r) for r in roots):
                    found.add(path)
    return sorted(found)


def build_one(path: Path) -> tuple[str, float, str]:
    from near_safe.builder._cpython import build_py

    start = time.monotonic()
    try:
        result = build_py(path, progress=False)
        state = "cached" if result.cached else f"{result.wasm.stat().st_size:,} bytes"
    except Exception as exc:  # noqa: BLE001  reported, and again by the test that deploys it
        state = f"FAILED: {exc}".splitlines()[0][:300]
    return str(path), time.monotonic() - start, state


def main(args: list[str]) -> int:
    paths = contracts(args)
    named = " ".join(a for a in args if not a.startswith("-") and Path(a).exists())
    print(f"prebuild_py: {len(paths)} contract(s) under {named}", flush=True)
    start = time.monotonic()
    with ProcessPoolExecutor(max_workers=2) as pool:
        for fut in as_completed([pool.submit(build_one, p) for p in paths]):
            path, seconds, state = fut.result()
            print(f"prebuild_py: {seconds:6.1f} s  {path}: {state}", flush=True)
    print(f"prebuild_py: {len(paths)} contract(s) in {time.monotonic() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
