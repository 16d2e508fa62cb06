"""What decoding data costs a near_safe contract in the Wasm (issue 11): the measurements behind
near_safe.contract._xcc's RESULT_HEAP and gas bound (_too_large) and strict input's cost.

1. Heap, on plain nearc's port (Runtime(port="nearc"): 32,000 bytes, never reclaimed - the port
   near_safe's contract code must survive): free heap when a near_safe callback body starts, and
   heap taken by json.loads per item of each shape (tests/safety/contracts/heap_probe.py;
   answers from answerer.py).
2. Gas per item of strict_json (the check run before any decode) next to json.loads.

Run:  python bench/bench_results.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = ROOT / "tests" / "safety" / "contracts"
SHAPES = {"[]": b"[]", "{}": b"{}", '"ab"': b'"ab"', "1.5": b"1.5", "7": b"7",
          "12345": b"12345", "2**40": str(2**40).encode(), '"\\u0041\\n"': b'"\\u0041\\n"',
          '"\u00e9\u00e9"': '"\u00e9\u00e9"'.encode(), "true": b"true"}
SCAN = '''
import json
import near
from near_safe import strict_json


@near.export
def base():
    near.value_return(str(len(near.input())))


@near.export
def scan():
    near.value_return(str(strict_json(near.input())))


@near.export
def loads():
    json.loads(near.input())
    near.value_return("1")
'''


def main():
    rt = Runtime(mode="wasm", port="nearc")
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    answerer = rt.deploy("answerer.near", CONTRACTS / "answerer.py")
    probe = rt.deploy("probe.near", CONTRACTS / "heap_probe.py")
    tmp = Path(__file__).resolve().parent / "_scan_probe.py"
    tmp.write_text(SCAN)
    try:
        scan = rt.deploy("scan.near", tmp)
    finally:
        tmp.unlink()
    print("\nheap (Wasm, plain nearc port): json.loads of 100 and 300 items of each shape in a near_safe callback")
    print(f"{'item':14} {'items':>5} {'bytes':>6} {'free at body start':>19} {'decode took':>12} "
          f"{'per item':>9}")
    for name, item in SHAPES.items():
        for n in (100, 300):
            raw = b"[" + b",".join([item] * n) + b"]"
            alice.call(answerer, "set_answer", {"hex": raw.hex()}, gas=300 * TGAS).unwrap()
            out = alice.call(probe, "ask", gas=300 * TGAS)
            if not out.receipt("measure").succeeded:
                print(f"{name:14} {n:5} {len(raw):6}   trapped: {out.error}")
                continue
            free, took, _ = out.value
            print(f"{name:14} {n:5} {len(raw):6} {free:19} {took:12} {took / n:9.1f}")
    print("\ngas (Wasm) per item, 100 items: strict_json (checked before any decode) vs json.loads")
    for name, item in SHAPES.items():
        raw = b"[" + b",".join([item] * 100) + b"]"
        g = {m: alice.call(scan, m, raw, gas=300 * TGAS).receipts[0].gas_burnt
             for m in ("base", "scan", "loads")}
        print(f"{name:14} {len(raw):5} bytes  strict_json {(g['scan'] - g['base']) / 100e9:6.2f} "
              f"Ggas/item ({(g['scan'] - g['base']) / len(raw) / 1e9:5.2f}/byte)   json.loads "
              f"{(g['loads'] - g['base']) / 100e9:6.2f} Ggas/item")


if __name__ == "__main__":
    main()
