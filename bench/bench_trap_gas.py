"""How far the embedded runtime's gas is off for a call that ends in a Wasm trap (not out of gas,
not a host abort): one of the approximations docs/gas-model.md lists.

nearcore charges each straight-line block before it runs (finite-wasm), so a call that traps has
burnt every op it ran.  The runtime reads wasmtime's fuel after the trap, and Cranelift saves the
fuel it used only before calls and at returns (``fuel_save_from_var``, wasmtime
crates/cranelift/src/func_environ.rs): the ops the trapping function ran since its last call are
not counted.  Measured side by side in one run, Wasm mode: the same memory scan that stops one
word before the end of memory (it returns: every op counted) and that reads past it (it traps
one iteration later: nearcore would burn about the same), with the scan in a callee and inline
in the export, against the receipt's fees alone (an empty method).

Run:  python bench/bench_trap_gas.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from near_safe.testing import NEAR, TGAS, Runtime

WAT = r"""
(module
  (memory 1)
  (func $scan (param $stop i32) (local $p i32) (local $end i32)
    (local.set $end (i32.sub (i32.mul (memory.size) (i32.const 65536)) (local.get $stop)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (drop (i32.load (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $next))))
  (func (export "empty"))
  (func (export "scan_stop") (call $scan (i32.const 8)))
  (func (export "scan_trap") (call $scan (i32.const -8)))
  (func (export "scan_trap_inline") (local $p i32)
    (loop $next
      (drop (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $next))))
"""


def main() -> None:
    rt = Runtime(mode="wasm")
    contract = rt.deploy("scan.near", WAT, balance=10 * NEAR)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    burnt = {}
    for method in ("empty", "scan_stop", "scan_trap", "scan_trap_inline"):
        out = alice.call(contract, method, {}, gas=300 * TGAS)
        burnt[method] = (out.gas_burnt, out.error)
    fees = burnt["empty"][0]
    full = burnt["scan_stop"][0] - fees  # the scan's own gas, every op counted
    print(f"{'call':18} {'ends':22} {'burnt Tgas':>10} {'scan Tgas':>10} {'vs returning scan':>18}")
    for method, (gas, error) in burnt.items():
        ends = "returns" if error is None else str(error).split(":")[-1].strip()[:22]
        own = gas - fees
        ratio = f"{own / full:.4f}x" if method != "empty" else "-"
        print(f"{method:18} {ends:22} {gas / TGAS:10.3f} {own / TGAS:10.3f} {ratio:>18}")
    print("nearcore burns about the returning scan's gas for each trapping one (one more iteration)")


if __name__ == "__main__":
    main()
