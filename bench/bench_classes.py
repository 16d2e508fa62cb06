"""Benchmark of the class surface (issue 14 items 1 and 6), measured side by side in one run.

The vault of ``near-safe new`` in its two styles (same methods, storage and flows), on the
embedded runtime in Wasm mode, gas burnt by the vault's receipts (the method and its callback;
the pool's receipts left out) per flow:

1. the function style built with near_safe's contract side as it was before the class surface
   (commit BASELINE: no ``__getattr__``, ``__all__`` built on chain) and as it is now.  Goal:
   the function style costs no more than before.  Since BASELINE other work changed the
   contract side too (the promise builders of the same issue), so the class surface's own
   share is measured apart: the root without its ``__getattr__``, and the root building
   ``__all__`` on chain again (the class surface's modules are not frozen into a function
   contract: tests/sdk);
2. the class style (``class Vault(Contract)``, ``self.storage``, properties) beside it: what a
   class contract pays for ``from near_safe import Contract`` (contract/_sdk.py), nearc's
   instance and the bound methods.
3. Wasm size of the three.

Run:  python bench/bench_classes.py   (needs git: the baseline's files are read with git show)
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from near_safe.builder import _analyze, build_contract
from near_safe.templates_cli import create
from near_safe.testing import NEAR, TGAS, Runtime

BASELINE = "53de255"  # the last commit before the class surface (issue 14)
GAS = 100 * TGAS


def baseline_root(tmp: Path) -> Path:
    """near_safe's contract-side files at BASELINE, in a folder named near_safe (the root, then
    near_safe/__init__.py, as the builder reads it now: _analyze.CONTRACT_ROOT)."""
    root = tmp / "baseline" / "near_safe"
    (root / "contract").mkdir(parents=True)
    listing = subprocess.run(["git", "ls-tree", "--name-only", f"{BASELINE}:near_safe/contract"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    files = ["__init__.py"] + [f"contract/{n}" for n in listing if n.endswith(".py")]
    for rel in files:
        data = subprocess.run(["git", "show", f"{BASELINE}:near_safe/{rel}"], cwd=ROOT,
                              capture_output=True, check=True).stdout
        # the root was near_safe/__init__.py then; the builder reads it from CONTRACT_ROOT now
        (root / (_analyze.CONTRACT_ROOT if rel == "__init__.py" else rel)).write_bytes(data)
    return root


@contextlib.contextmanager
def near_safe_from(root: Path):
    """Build with near_safe's contract side frozen from ``root`` (the builder reads it through
    ``_analyze.near_safe_root``; the cache key hashes those bytes, so nothing is mixed up)."""
    saved = _analyze.near_safe_root
    _analyze.near_safe_root = lambda: root
    try:
        yield
    finally:
        _analyze.near_safe_root = saved


def current_root(tmp: Path, name: str, edit=None) -> Path:
    """near_safe's contract side as it is now, its root's text passed through ``edit``."""
    root = tmp / name / "near_safe"
    (root / "contract").mkdir(parents=True)
    here = ROOT / "near_safe"
    text = (here / _analyze.CONTRACT_ROOT).read_text()
    (root / _analyze.CONTRACT_ROOT).write_text(edit(text) if edit else text)
    for f in (here / "contract").glob("*.py"):
        (root / "contract" / f.name).write_bytes(f.read_bytes())
    return root


def without_getattr(text: str) -> str:
    """The root without the class surface's __getattr__ (what it costs a function contract)."""
    start = text.index("def __getattr__(name):")
    end = text.index("if _EAGER:  # MicroPython ignores __all__")
    return text[:start] + text[end:]


def with_all_on_chain(text: str) -> str:
    """The root building __all__ on chain too, as before (what not building it saves)."""
    return text.replace("if _EAGER:  # MicroPython ignores __all__",
                        "if True:  # MicroPython ignores __all__", 1)


def project(tmp: Path, style: str) -> Path:
    return create("bench-vault", tmp / style, no_input=True, style=style)


FLOWS = [
    # name, method, args, deposit, pool paused
    ("deposit (call + callback)", "deposit", None, 2 * NEAR, False),
    ("deposit, pool fails (refund)", "deposit", None, 2 * NEAR, True),
    ("withdraw (call + callback)", "withdraw", {"amount": str(NEAR)}, 0, False),
    ("view method called as a transaction", "deposit_of", {"account_id": "alice.near"}, 0,
     False),
]


def measure(wasm: Path, pool_wasm: Path) -> dict:
    rt = Runtime(mode="wasm")
    alice = rt.create_account("alice.near", balance=1000 * NEAR)
    pool = rt.deploy("pool.near", pool_wasm, balance=10 * NEAR)
    vault = rt.deploy("bench-vault.near", wasm, balance=10 * NEAR)
    vault.call(vault, "new", {"pool": "pool.near"}).unwrap()
    alice.call(vault, "deposit", deposit=5 * NEAR, gas=GAS).unwrap()  # something to withdraw
    snap = rt.snapshot()
    burnt = {}
    for name, method, args, deposit, paused in FLOWS:
        rt.restore(snap)
        if paused:
            pool.call(pool, "set_paused", {"paused": True}).unwrap()
        out = alice.call(vault, method, args, deposit=deposit, gas=GAS)
        assert out.status == "success", (name, out.error, out.logs)
        expected = str(5 * NEAR) if method == "deposit_of" else not paused
        assert out.value == expected, (name, out.value, out.logs)
        burnt[name] = sum(r.gas_burnt for r in out.receipts if r.receiver == vault.id)
    return burnt


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        functions, classes = project(tmp, "functions"), project(tmp, "class")
        vault_f = functions / "contracts" / "bench_vault.py"
        pool_wasm = build_contract(functions / "contracts" / "pool.py", progress=False)
        with near_safe_from(baseline_root(tmp)):
            before = build_contract(vault_f, tmp / "before.wasm", progress=False)
        after = build_contract(vault_f, tmp / "after.wasm", progress=False)
        cls = build_contract(classes / "contracts" / "bench_vault.py", tmp / "class.wasm",
                             progress=False)
        variants = {}
        for label, edit in (("no __getattr__", without_getattr),
                            ("__all__ on chain", with_all_on_chain)):
            with near_safe_from(current_root(tmp, label.replace(" ", "_"), edit)):
                variants[label] = build_contract(vault_f, tmp / f"{label[:5]}.wasm",
                                                 progress=False)
        rows = {label: measure(w, pool_wasm) for label, w in
                [("before", before), ("after", after), ("class", cls)] + list(variants.items())}
        sizes = {label: w.stat().st_size for label, w in
                 (("before", before), ("after", after), ("class", cls))}

    t = TGAS
    print(f"\nThe near-safe new vault, gas burnt by the vault's receipts (Wasm mode); function "
          f"style with near_safe at {BASELINE} (before) and now (after); class style now")
    print(f"{'flow':38} {'before':>10} {'after':>10} {'after/before':>13} {'class':>10} "
          f"{'class/after':>12}")
    worst = 0.0
    for name, *_ in FLOWS:
        b, a, c = rows["before"][name], rows["after"][name], rows["class"][name]
        worst = max(worst, a / b)
        print(f"{name:38} {b / t:7.3f} Tg {a / t:7.3f} Tg {a / b:13.4f} {c / t:7.3f} Tg "
              f"{c / a:12.3f}")
    print(f"{'worst after/before (all work since)':38} {'':10} {'':10} {worst:13.4f}")
    print("\nThe class surface's share of after - before, function style (Ggas per flow): "
          "its __getattr__ in the root (after - the root without it) and __all__ no longer "
          "built on chain (after - the root building it); the rest of after - before is "
          "other work since the baseline (the promise builders, the Wasm size)")
    print(f"{'flow':38} {'after-before':>13} {'__getattr__':>12} {'no __all__':>11} "
          f"{'class surface':>14}")
    share = []
    for name, *_ in FLOWS:
        a = rows["after"][name]
        g = a - rows["no __getattr__"][name]
        n = a - rows["__all__ on chain"][name]
        share.append(g + n)
        print(f"{name:38} {(a - rows['before'][name]) / 1e9:13.2f} {g / 1e9:12.2f} "
              f"{n / 1e9:11.2f} {(g + n) / 1e9:14.2f}")
    print(f"{'worst class surface share (goal <= 0)':38} {'':13} {'':12} {'':11} "
          f"{max(share) / 1e9:14.2f}  {'OK' if max(share) <= 0 else 'MISSED'}")
    print(f"\nWasm size: before {sizes['before'] / 1024:.1f} KB, after "
          f"{sizes['after'] / 1024:.1f} KB ({(sizes['after'] - sizes['before']) / 1024:+.1f} KB: "
          f"contract/ modules are frozen into every near_safe contract), class "
          f"{sizes['class'] / 1024:.1f} KB")


if __name__ == "__main__":
    main()
