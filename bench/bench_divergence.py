"""Divergences between Wasm mode and CPython mode per 1,000 method runs, by family (issue 11,
finding 5), and how close CPython mode's heap estimate is to the Wasm's.

Goal: no divergence in the families CPython mode models (operator errors, set/dict order,
unstable sort, missing names, recursion depth, heap, imports, build refusals).  Not a timed
test: a measurement printed from one run.

1. The differential fuzzer (near_safe/testing/vm/_pymode/_difffuzz.py, the one
   tests/pymode/test_fuzz_modes.py runs at a small budget): generated contracts, every method run
   in both modes of a port.  Divergences are listed after the table (method and both outcomes).
2. Heap: ``gc.mem_alloc()`` before and after one allocation pattern, in the Wasm (MicroPython's
   allocator) and in CPython mode (its estimate, the budget it charges).

Run: python bench/bench_divergence.py [--seed N] [--contracts N] [--methods N]
                                      [--ports near_safe,nearc]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HEAP_CONTRACT = '''import gc
import json

import near

PATTERNS = {
    "'x' * 1000": lambda: "x" * int("1000"),
    "b'x' * 1000": lambda: b"x" * int("1000"),
    "[0] * 100": lambda: [0] * int("100"),
    "list(range(100))": lambda: list(range(int("100"))),
    "[i for i in range(100)]": lambda: [i for i in range(int("100"))],
    "{'a': 1, 'b': 2, 'c': 3}": lambda: {"a": 1, "b": 2, "c": int("3")},
    "{i: i for i in range(50)}": lambda: {i: i for i in range(int("50"))},
    "20 x s += 10 chars": None,
    "','.join(['ab'] * 50)": lambda: ",".join(["ab"] * int("50")),
    "str(123456)": lambda: str(int("123456")),
    "1.5 * x": lambda: 1.5 * float("2.0"),
    "json.loads(100 empty lists)": lambda: json.loads("[" + ",".join(["[]"] * 100) + "]"),
    "json.dumps(small dict)": lambda: json.dumps({"a": [1, 2, 3], "b": "xyz"}),
    "100 x list.append": None,
    "{1, 2, 3}": lambda: {1, 2, int("3")},
    "f-string": lambda: f"a{int('5')}b{'c'}",
    "[str(i) for i in range(30)]": lambda: [str(i) for i in range(int("30"))],
    "500 x 'y' * 30 (garbage)": None,
}


def _steps():
    s = ""
    for _ in range(20):
        s += "abcdefghij"
    return s


def _appends():
    items = []
    for i in range(100):
        items.append(i)
    return items


def _garbage():
    for _ in range(500):
        x = "y" * int("30")
    return x


SPECIAL = {"20 x s += 10 chars": _steps, "100 x list.append": _appends,
           "500 x 'y' * 30 (garbage)": _garbage}


@near.export
def measure():
    name = near.input().decode()
    fn = PATTERNS[name] or SPECIAL[name]
    before = gc.mem_alloc()
    keep = fn()
    near.value_return(str(gc.mem_alloc() - before))
'''


def _heap_rows(port, folder: Path):
    from near_safe.testing import Runtime

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text('[project]\nname = "heap"\nversion = "0.1.0"\n')
    source = folder / "heap_patterns.py"
    source.write_text(HEAP_CONTRACT)
    names = []
    for line in HEAP_CONTRACT.splitlines():
        if line.startswith('    "') and '":' in line:
            names.append(line.split('"')[1])
    seen = {}
    for mode in ("wasm", "python"):
        rt = Runtime(mode=mode, port=port)
        alice = rt.create_account("alice.near", balance=10**30)
        contract = rt.deploy("heap.near", source, balance=10**26)
        seen[mode] = {n: alice.call(contract, "measure", n.encode()) for n in names}
    rows = []
    for n in names:
        w, p = seen["wasm"][n], seen["python"][n]
        rows.append((n, int(w.raw_value) if w.succeeded else None,
                     int(p.raw_value) if p.succeeded else None))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--contracts", type=int, default=10)
    parser.add_argument("--methods", type=int, default=35)
    parser.add_argument("--ports", default="near_safe,nearc")
    args = parser.parse_args()

    from near_safe.testing.vm._pymode import DEFAULT_PORT
    from near_safe.testing.vm._pymode._difffuzz import FAMILIES, generate, run

    ports = args.ports.split(",")
    failed = False
    with tempfile.TemporaryDirectory(prefix="near_safe_bench_divergence_") as tmp:
        for port in ports:
            started = time.monotonic()
            contracts = generate(Path(tmp) / port, args.seed, args.contracts, args.methods)
            report = run(contracts, port=port)
            table = report.per_thousand()
            total_runs = sum(r for r, _, _ in table.values())
            total_div = len(report.divergences)
            default = " (the builder's default)" if port == DEFAULT_PORT else ""
            print(f"\nport {port}{default}: {args.contracts} contracts x {args.methods} methods, "
                  f"seed {args.seed}, {time.monotonic() - started:.0f} s")
            print(f"{'family':14} {'method runs':>12} {'divergences':>12} {'per 1,000':>10}")
            for family in FAMILIES:
                if family in table:
                    runs, n, per = table[family]
                    print(f"{family:14} {runs:12} {n:12} {per:10.1f}")
            print(f"{'all':14} {total_runs:12} {total_div:12} "
                  f"{1000 * total_div / max(total_runs, 1):10.1f}")
            print("goal (none in the modelled families): "
                  + ("met" if not total_div else "NOT met"))
            failed |= bool(total_div)
            for d in report.divergences:
                print(f"  {d.family}: {d.contract.name}::{d.method}\n"
                      f"    wasm   {d.wasm}\n    python {d.python}")

            rows = _heap_rows(port, Path(tmp) / f"heap_{port}")
            print(f"\nheap, port {port}: bytes allocated by one pattern (gc.mem_alloc() before "
                  "and after), Wasm vs CPython mode's estimate")
            print(f"{'pattern':32} {'wasm':>8} {'estimate':>9} {'ratio':>7}")
            ratios = []
            for name, w, p in rows:
                if w is None or p is None:
                    print(f"{name:32} {str(w):>8} {str(p):>9}      -")
                    continue
                ratio = p / w if w else float("nan")
                if w:
                    ratios.append(ratio)
                print(f"{name:32} {w:8} {p:9} {ratio:7.2f}")
            if ratios:
                ratios.sort()
                print(f"estimate / wasm: median {ratios[len(ratios) // 2]:.2f}, "
                      f"min {ratios[0]:.2f}, max {ratios[-1]:.2f} over {len(ratios)} patterns")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
