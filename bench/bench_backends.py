"""The same near_safe contracts under nearc's two backends: MicroPython (default) and nearc 0.10's
CPython 3.13 (`near-safe build --compiler py`).  Builds examples/cross_contract_query/oracle.py
and examples/withdraw_tokens (vault and token) both ways, deploys them on the embedded runtime
(Wasm mode) and prints Wasm size, build time and gas burnt per call (the vault's withdraw: the
safe_call out, the callback settling it), side by side, with the ratio.

Needs Python >= 3.12 with nearc 0.10 (the CPython backend); on a machine with Python 3.11 only,
the 3.13 lane's root has it (.ci/lane313, needs root; `./dev bench` goes there by itself):

    .ci/lane313 --exec python bench/bench_backends.py

or run it from any Python >= 3.12 venv holding near-safe[dev].  Without the CPython backend it
says so and exits 2, before building anything.

Options: -O N (the CPython backend's optimisation level; default near_safe's, 5 with its pin
list), --rebuild.
The CPython build is heavy (minutes, GBs): it runs once, then the cache serves it.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "examples" / "cross_contract_query" / "oracle.py"
VAULT = ROOT / "examples" / "withdraw_tokens" / "vault.py"
TOKEN = ROOT / "examples" / "withdraw_tokens" / "ft_token.py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-O", "--opt-level", type=int, default=None)
    ap.add_argument("--rebuild", action="store_true")
    opts = ap.parse_args()

    from near_safe.builder import build
    from near_safe.builder._cpython import DEFAULT_OPT_LEVEL, _backend_version, build_py
    from near_safe.errors import BuildError
    from near_safe.testing import NEAR, TGAS, Runtime

    try:
        _backend_version()
    except BuildError as exc:
        print(f"bench_backends.py: Python {sys.version.split()[0]} here: {exc}. On a machine "
              "with Python 3.11 only, run it in the 3.13 lane: .ci/lane313 --exec python "
              "bench/bench_backends.py (needs root; `./dev bench` does that as root)",
              file=sys.stderr)
        return 2

    level = DEFAULT_OPT_LEVEL if opts.opt_level is None else opts.opt_level
    py = f"CPython -O{level}"
    builders = {"MicroPython": lambda path: build(path, progress=False, rebuild=opts.rebuild),
                py: lambda path: build_py(path, progress=None, rebuild=opts.rebuild,
                                          opt_level=level)}
    builds, times = {}, {}
    for backend, make in builders.items():
        t = time.monotonic()
        builds[backend] = {path: make(path) for path in (CONTRACT, VAULT, TOKEN)}
        times[backend] = time.monotonic() - t

    calls = [("set_price", {"asset": "wbtc", "price": "123456789"}, "oracle"),
             ("get_price", {"asset": "wbtc"}, "alice"),
             ("get_price (unknown asset: panics)", {"asset": "eth"}, "alice")]
    rows = {}
    for backend, results in builds.items():
        rt = Runtime(mode="wasm")
        oracle = rt.deploy("oracle.near", results[CONTRACT].wasm.read_bytes(), balance=50 * NEAR)
        alice = rt.create_account("alice.near")
        gas = []
        for label, args, who in calls:
            caller = oracle if who == "oracle" else alice
            out = caller.call(oracle, label.split()[0], args)
            gas.append((label, out.gas_burnt, "ok" if out.succeeded else "failed"))
        # withdraw_tokens: credit, then withdraw (safe_call to the token, callback settles)
        token = rt.deploy("token.near", results[TOKEN].wasm.read_bytes(), balance=50 * NEAR)
        vault = rt.deploy("vault.near", results[VAULT].wasm.read_bytes(), balance=50 * NEAR,
                          init="new", args={"token": "token.near"})
        token.call(token, "mint", {"account_id": "vault.near", "amount": "1000"}).unwrap()
        out = vault.call(vault, "credit", {"account_id": "alice.near", "amount": "500"})
        gas.append(("vault credit", out.gas_burnt, "ok" if out.succeeded else "failed"))
        out = alice.call(vault, "withdraw", {"amount": "300"}, gas=300 * TGAS)
        for method in ("withdraw", "on_withdrawn"):
            r = out.receipt(method)
            gas.append((f"vault {method}" + (" (callback)" if method[:3] == "on_" else ""),
                        r.gas_burnt, "ok" if r.status == "success" else "failed"))
        rows[backend] = ({"oracle": results[CONTRACT], "vault": results[VAULT]}, gas)

    (mp, mp_gas), (cp, cp_gas) = rows.values()
    names = list(rows)
    print(f"oracle.py and withdraw_tokens on the embedded runtime, Wasm mode; "
          f"Python {sys.version.split()[0]}")
    print(f"{'':40} {names[0]:>16} {names[1]:>16} {'ratio':>8}")
    for name in ("oracle", "vault"):
        a, b = mp[name].wasm.stat().st_size, cp[name].wasm.stat().st_size
        print(f"{'Wasm size, ' + name + ' (bytes)':40} {a:>16,} {b:>16,} {b / a:>7.1f}x")
    print(f"{'build time, 3 contracts (s; cached ~0)':40} {times[names[0]]:>16.1f} "
          f"{times[names[1]]:>16.1f} {'':>8}")
    for (label, g1, s1), (_, g2, s2) in zip(mp_gas, cp_gas):
        print(f"{'Tgas burnt: ' + label:40} {g1 / 1e12:>13.2f} {s1[:2]} {g2 / 1e12:>13.2f} "
              f"{s2[:2]} {g2 / g1:>7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
