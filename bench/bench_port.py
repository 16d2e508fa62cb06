"""What near_safe's MicroPython port patches cost: gas per call and Wasm size (issue 11).

Builds one contract (tests/port/contracts/defects.py) with plain nearc's port
(``build(..., patches=False)``) and with near_safe's patched port (the default), runs the same
calls on both in the embedded runtime (Wasm mode) and prints, side by side, the gas burnt by
the function-call receipt and the Wasm size, with ratios patched / plain.  Calls that trap on
plain nearc's port (the defects) show "trap".

``--per-patch`` adds one column per cumulative patch prefix (0001, 0001-0002, ...): each is a
toolchain of its own, built once (about 2 minutes each on 2 cores, then cached).

Run: python bench/bench_port.py [--per-patch]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from near_safe.builder import build
from near_safe.builder._toolchain import port_patches
from near_safe.testing import NEAR, Runtime

CONTRACT = Path(__file__).resolve().parent.parent / "tests" / "port" / "contracts" / "defects.py"

CALLS = [
    ("noop", {}),
    ("heap_size", {}),
    ("exception_types", {}),
    ("caught_then_builtin", {"rounds": 10}),
    ("caught_builtin_exceptions", {"rounds": 1}),
    ("caught_builtin_exceptions", {"rounds": 30}),
    ("garbage", {"n": 500, "size": 40}),
    ("big_string", {"n": 40000}),
    ("int_list", {"n": 5000}),
    ("concat", {"steps": 100}),
    ("collect", {}),
]


def measure(patches) -> tuple[int, list]:
    wasm = build(CONTRACT, progress=False, patches=patches).wasm
    rt = Runtime(mode="wasm")
    alice = rt.create_account("alice.near", balance=1000 * NEAR)
    c = rt.deploy("c.near", wasm, balance=10 * NEAR)
    gas = []
    for method, args in CALLS:
        out = alice.call(c, method, args)
        fc = next(r for r in out.receipts if r.method == method)
        gas.append(fc.gas_burnt if fc.status == "success" else None)
    return wasm.stat().st_size, gas


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-patch", action="store_true",
                    help="also build each cumulative patch prefix (a toolchain each)")
    opts = ap.parse_args()
    names = [p.name for p in port_patches()]
    variants = [("plain nearc", False)]
    if opts.per_patch:
        variants += [("+" + n[:4], tuple(names[: i + 1])) for i, n in enumerate(names[:-1])]
    variants.append(("near_safe (all)", True))
    results = [(label, *measure(p)) for label, p in variants]
    base_size, base_gas = results[0][1], results[0][2]

    print(f"contract: {CONTRACT.name}; patches: {', '.join(names)}")
    head = f"{'':44}" + "".join(f"{label:>18}" for label, *_ in results) + f"{'ratio (all/plain)':>20}"
    print(head)
    row = f"{'Wasm size (bytes)':44}" + "".join(f"{size:>18,}" for _, size, _ in results)
    print(row + f"{results[-1][1] / base_size:>20.4f}")
    for i, (method, args) in enumerate(CALLS):
        label = f"{method}({', '.join(f'{k}={v}' for k, v in args.items())}) Tgas"
        cells = "".join(f"{g[i] / 1e12:>18.4f}" if g[i] is not None else f"{'trap':>18}"
                        for _, _, g in results)
        last, first = results[-1][2][i], base_gas[i]
        ratio = f"{last / first:>20.4f}" if last is not None and first is not None else f"{'-':>20}"
        print(f"{label[:44]:44}{cells}{ratio}")


if __name__ == "__main__":
    main()
