"""What the contract side's module-level code costs on every call (Wasm mode), measured side by
side in one run: NEAR instantiates a contract per call, so MicroPython runs every import of the
contract side again on every call, and each statement at module level is gas each time.

One contract imports, in each of its methods, one local module (frozen like near_safe's own):
a baseline module binding one name, and modules with ten more of one construct each (the
relative import in a local package, beside a module of that package importing its sibling
once).  Printed: Ggas of Wasm ops per construct ((method - baseline) / 10), and what importing
the one-name module costs (against a method that imports nothing).  The figures behind the import
trims of contract/_promise.py, _builders.py, _xcc.py and _state.py (one import statement per
module, names taken through the root's import) and of the promise builders' split.

Run:  python bench/bench_import_costs.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from near_safe.testing import NEAR, TGAS, Runtime

N = 10
MODULES = {
    # method: (what, the module's text after the baseline's one binding)
    "assigns": ("a name bound to a constant", "".join(f"a{i} = {i}\n" for i in range(N))),
    "defs": ("a function defined", "".join(f"def f{i}(x):\n    return x\n" for i in range(N))),
    "classes": ("a class defined (empty)", "".join(f"class C{i}:\n    pass\n" for i in range(N))),
    "methods": ("a method of one class", "class D:\n" + "".join(
        f"    def m{i}(self):\n        return {i}\n" for i in range(N))),
    "imports": ("`import near_safe` (loaded already)", "import near_safe\n" * N),
    "from_imports": ("`from near_safe import call` (loaded)", "from near_safe import call\n" * N),
    "builtin": ("`import json` (a built-in module)", "import json\n" * N),
    "relative": ("`from . import sub` (in a package, loaded)", "from . import sub\n" * N),
}
PACKAGED = {"relative"}  # in the local package pk (pk/sub.py loaded by the first of them)


def contract_text():
    lines = ["from near_safe import call", "", "", "@call()", "def none():", "    return 1", ""]
    for method in ["base", "pk_base", *MODULES]:
        name = f"pk.m_{method}" if method in PACKAGED else f"m_{method}"
        if method == "pk_base":
            name = "pk.m_base"
        lines += ["", "@call()", f"def {method}():", f"    import {name}  # noqa: F401", "",
                  "    return 1", ""]
    return "\n".join(lines)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pk").mkdir()
        (folder / "pk" / "__init__.py").write_text("")
        (folder / "pk" / "sub.py").write_text("X = 0\n")
        (folder / "pk" / "m_base.py").write_text("from . import sub\n")
        (folder / "m_base.py").write_text("X = 0\n")
        for method, (_, text) in MODULES.items():
            if method in PACKAGED:
                (folder / "pk" / f"m_{method}.py").write_text(text)
            else:
                (folder / f"m_{method}.py").write_text("X = 0\n" + text)
        (folder / "costs.py").write_text(contract_text())
        rt = Runtime(mode="wasm")
        alice = rt.create_account("alice.near", balance=100 * NEAR)
        c = rt.deploy("costs.near", folder / "costs.py", balance=10 * NEAR)
        ops = {}
        for method in ["none", "base", "pk_base", *MODULES]:
            out = alice.call(c, method, {}, gas=300 * TGAS)
            assert out.status == "success", (method, out.error)
            (r,) = [r for r in out.receipts if r.receiver == c.id]
            ops[method] = r.gas_profile["wasm_instruction"]
    print(f"Wasm ops per construct at module level, paid on every call that imports the module "
          f"(Ggas; {N} of each beside a one-name module)")
    for method, (what, _) in MODULES.items():
        base = ops["pk_base"] if method in PACKAGED else ops["base"]
        print(f"  {what:44} {(ops[method] - base) / N / 1e9:6.2f}")
    print(f"  {'importing a one-name module (frozen, first time)':44} "
          f"{(ops['base'] - ops['none']) / 1e9:6.2f}")


if __name__ == "__main__":
    main()
