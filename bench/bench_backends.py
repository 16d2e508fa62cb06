"""The same near_safe contract under nearc's two backends: MicroPython (default) and nearc 0.10's
CPython 3.13 (`near-safe build --compiler py`).  Builds examples/cross_contract_query/oracle.py
both ways, deploys both on the embedded runtime (Wasm mode) and prints Wasm size, build time and
gas burnt per call, side by side, with the ratio.

Needs Python >= 3.12 with nearc 0.10 (the CPython backend); on a machine with Python 3.11 only,
the 3.13 lane's root has it (.ci/lane313, needs root; `./dev bench` goes there by itself):

    .ci/lane313 --exec python bench/bench_backends.py

or run it from any Python >= 3.12 venv holding near-safe[dev].  Without the CPython backend it
says so and exits 2, before building anything.

Options: -O N (the CPython backend's optimisation level; default 1: with nearc's default 4 every
call of this contract trapped, Unreachable), --rebuild.
The CPython build is heavy (minutes, GBs): it runs once, then the cache serves it.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "examples" / "cross_contract_query" / "oracle.py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-O", "--opt-level", type=int, default=1)
    ap.add_argument("--rebuild", action="store_true")
    opts = ap.parse_args()

    from near_safe.builder import build
    from near_safe.builder._cpython import _backend_version, build_py
    from near_safe.errors import BuildError
    from near_safe.testing import Runtime

    try:
        _backend_version()
    except BuildError as exc:
        print(f"bench_backends.py: Python {sys.version.split()[0]} here: {exc}. On a machine "
              "with Python 3.11 only, run it in the 3.13 lane: .ci/lane313 --exec python "
              "bench/bench_backends.py (needs root; `./dev bench` does that as root)",
              file=sys.stderr)
        return 2

    builds = {}
    t = time.monotonic()
    builds["MicroPython"] = build(CONTRACT, progress=False, rebuild=opts.rebuild)
    times = {"MicroPython": time.monotonic() - t}
    t = time.monotonic()
    builds[f"CPython -O{opts.opt_level}"] = build_py(CONTRACT, progress=None, rebuild=opts.rebuild,
                                                    opt_level=opts.opt_level)
    times[f"CPython -O{opts.opt_level}"] = time.monotonic() - t

    calls = [("set_price", {"asset": "wbtc", "price": "123456789"}, "oracle"),
             ("get_price", {"asset": "wbtc"}, "alice"),
             ("get_price (unknown asset: panics)", {"asset": "eth"}, "alice")]
    rows = {}
    for backend, result in builds.items():
        rt = Runtime(mode="wasm")
        oracle = rt.deploy("oracle.near", result.wasm.read_bytes(), balance=50 * 10**24)
        alice = rt.create_account("alice.near")
        gas = []
        for label, args, who in calls:
            caller = oracle if who == "oracle" else alice
            out = caller.call(oracle, label.split()[0], args)
            gas.append((label, out.gas_burnt, "ok" if out.succeeded else "failed"))
        rows[backend] = (result, gas)

    (mp, mp_gas), (cp, cp_gas) = rows.values()
    names = list(rows)
    print(f"oracle.py ({CONTRACT.relative_to(ROOT)}) on the embedded runtime, Wasm mode; "
          f"Python {sys.version.split()[0]}")
    print(f"{'':40} {names[0]:>16} {names[1]:>16} {'ratio':>8}")
    print(f"{'Wasm size (bytes)':40} {mp.size:>16,} {cp.size:>16,} {cp.size / mp.size:>7.1f}x")
    print(f"{'build wall time (s; cached: ~0)':40} {times[names[0]]:>16.1f} "
          f"{times[names[1]]:>16.1f} {'':>8}")
    for (label, g1, s1), (_, g2, s2) in zip(mp_gas, cp_gas):
        print(f"{'Tgas burnt: ' + label:40} {g1 / 1e12:>13.2f} {s1[:2]} {g2 / 1e12:>13.2f} "
              f"{s2[:2]} {g2 / g1:>7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
