"""Measure a pin list for nearc 0.10's CPython backend from a test run (developer tool).

    python -m near_safe.builder.pyprofile [--out FILE] [--add] [--modules] PYTEST-ARGS...

cpython-near-wasm-opt cuts every C function of CPython its own trial run did not reach, and its
trial run cannot reach a near_safe contract's real paths (docs/micropython.md, "Backends"): the
functions a contract needs must be pinned.  This runs pytest (the given tests, on the embedded
runtime) with every contract built as the optimizer's *instrumented* Wasm, records the C
functions each call reaches and the frozen modules it loads, and writes them as a pin file:
near_safe's own list (``near_safe/builder/cpython_pins.txt``, the default ``--out``) comes from
``tests/safety`` and ``examples``; a contract whose tests reach more passes its own file to
``near-safe build --compiler py --pins FILE``.  ``--add`` merges into an existing file;
``--modules`` also pins the stdlib modules the run loaded (a contract that imports a stdlib
module inside a function; each costs Wasm size).

Needs nearc 0.10 on Python >= 3.12 (in this repository: ``.ci/lane313 --exec python -m
near_safe.builder.pyprofile tests/safety examples``).  For this run only, the runtime's size
limits are lifted and deployed accounts funded (an instrumented Wasm is about 8.4 MB, all of
CPython's stdlib frozen in): the tests' verdicts during a profile mean nothing, only which code
they reached.  Exit code: 2 on a usage error, else pytest's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..testing.vm.metering import import_entries, leb_u
from ._cpython import COMPILER_ENV, PINS_FILE, PROFILE_ENV, read_pins, write_pins

_MODULE_KINDS = ("frozen",)  # builtin modules are part of python.wasm, never cut


class Recorder:
    """The runtime's profiler (``near_safe.testing.vm.wasm.set_profiler``)."""

    def __init__(self):
        self.hashes: set[int] = set()
        self.modules: set[str] = set()

    def function_called(self, name_hash: int) -> None:
        self.hashes.add(name_hash)

    def module_loaded(self, kind: str, name: str) -> None:
        if kind in _MODULE_KINDS:
            self.modules.add(name)


def _name(data: bytes, i: int) -> tuple[str, int]:
    n, i = leb_u(data, i)
    return data[i:i + n].decode("utf-8", "replace"), i + n


def function_names(wasm: bytes) -> list[str]:
    """The name of every function of a Wasm, by index (imports first): the ``name`` custom
    section's, or for an unnamed one what binaryen's wasm-dis (which cpython-near-wasm-opt's
    instrumentation hashes names through) calls it: its index among the defined functions."""
    i, imported, defined, names = 8, 0, 0, {}
    while i < len(wasm):
        sid = wasm[i]
        size, i = leb_u(wasm, i + 1)
        end = i + size
        if sid == 2:
            imported = sum(1 for _, _, kind in import_entries(wasm, i) if kind == 0)
        elif sid == 3:
            defined, _ = leb_u(wasm, i)
        elif sid == 0:
            section, j = _name(wasm, i)
            while section == "name" and j < end:
                sub, j = leb_u(wasm, j)
                sub_size, j = leb_u(wasm, j)
                if sub == 1:
                    count, k = leb_u(wasm, j)
                    for _ in range(count):
                        index, k = leb_u(wasm, k)
                        names[index], k = _name(wasm, k)
                j += sub_size
        i = end
    # binaryen names an unnamed defined function by its index among the defined ones
    # (python.wasm: absolute index 2066, named "2008", 58 imports before it)
    return [names.get(index, str(index - imported)) for index in range(imported + defined)]


def python_wasm_names() -> dict[int, str]:
    """fnv1a-32 hash -> name for every function of cpython-near-wasm-opt's python.wasm (the
    hash the instrumentation reports, core.fnv1a_32 of the name)."""
    from cpython_near_wasm_opt import core

    wasm = (core.LIB_PATH / "python.wasm").read_bytes()
    return {core.fnv1a_32(n): n for n in function_names(wasm)}


def stdlib_modules() -> set[str]:
    """The .pyc paths of cpython-near-wasm-opt's stdlib zip (what module tracing may cut; the
    contract and its staged packages are always kept, ``_cpython._trace_hooks``)."""
    import zipfile

    from cpython_near_wasm_opt import core

    with zipfile.ZipFile(core.LIB_PATH / "python-stdlib.zip") as z:
        return {n[:-3] + ".pyc" if n.endswith(".py") else n for n in z.namelist()}


_recorder: Recorder | None = None


def pytest_configure(config) -> None:
    """The plugin half (``-p near_safe.builder.pyprofile``), active when $NEAR_SAFE_PY_PROFILE
    names the output file."""
    global _recorder
    if not os.environ.get(PROFILE_ENV):
        return
    from near_safe.testing import NEAR, Runtime, params
    from near_safe.testing.vm import wasm

    _recorder = Recorder()
    wasm.set_profiler(_recorder)
    huge = 1 << 26
    params.override(  # None: a contract-shape limit not enforced
        "limits", max_transaction_size=huge, max_contract_size=huge, max_receipt_size=huge,
        max_functions_number_per_contract=huge, max_globals_per_contract=None,
        max_blocks_per_contract=None, max_blocks_per_function=None, max_function_body_size=None)
    # Wasm ops nearly free: the instrumentation's own ops (and CPython's start-up in a build
    # nobody deploys) must not run a call out of gas before it reaches the paths to profile
    params.override("ext_costs", regular_op_cost=1)
    deploy = Runtime.deploy

    def funded_deploy(self, account_id, contract, balance=None, *args, **kwargs):
        return deploy(self, account_id, contract, max(balance or 0, 500 * NEAR), *args, **kwargs)
    Runtime.deploy = funded_deploy


def pytest_sessionfinish(session, exitstatus) -> None:
    if _recorder is None:
        return
    from importlib.metadata import version

    out = Path(os.environ[PROFILE_ENV])
    names = python_wasm_names()
    functions = {names[h] for h in _recorder.hashes if h in names}
    # Modules are not pinned: module tracing keeps the ones each contract imports at module
    # level, and the build adds what the modules near_safe imports on demand import
    # (_cpython.stdlib_imports); pinning every module any profiled contract loaded made an
    # uncompressed Wasm too big to deploy (typing, traceback, collections: about 370 KB).
    # Written only with --modules, for a contract whose lazy imports need them.
    modules = (_recorder.modules & stdlib_modules()) if os.environ.get(
        "NEAR_SAFE_PY_PROFILE_MODULES") else set()
    if os.environ.get("NEAR_SAFE_PY_PROFILE_ADD") and out.is_file():
        _, f, m = read_pins(out)
        functions |= set(f)
        modules |= set(m)
    how = os.environ.get("NEAR_SAFE_PY_PROFILE_HOW", "python -m near_safe.builder.pyprofile")
    write_pins(out, version("cpython-near-wasm-opt"), functions, modules, how)
    sys.stderr.write(f"\npyprofile: {len(functions)} functions, {len(modules)} modules -> {out}"
                     f" ({len(_recorder.hashes)} hashes recorded)\n")


def main(argv: list[str]) -> int:
    out, add, rest = PINS_FILE, False, []
    it = iter(argv)
    for arg in it:
        if arg == "--out":
            out = Path(next(it, "") or "")
            if not str(out) or str(out) == ".":
                sys.stderr.write("pyprofile: --out needs a file name\n")
                return 2
        elif arg == "--add":
            add = True
        elif arg == "--modules":
            os.environ["NEAR_SAFE_PY_PROFILE_MODULES"] = "1"
        elif arg in ("-h", "--help"):
            sys.stdout.write(__doc__)
            return 0
        else:
            rest.append(arg)
    if not rest:
        sys.stderr.write("pyprofile: name the tests to profile, e.g. python -m "
                         "near_safe.builder.pyprofile tests/test_mine.py\n")
        return 2
    try:
        import cpython_near_wasm_opt  # noqa: F401
    except ImportError:
        sys.stderr.write("pyprofile: needs nearc 0.10's CPython backend: pip install "
                         "'nearc==0.10.*' (Python >= 3.12)\n")
        return 2
    env = dict(os.environ, **{COMPILER_ENV: "py", PROFILE_ENV: str(Path(out).resolve()),
                              "NEAR_SAFE_PY_PROFILE_HOW": "python -m near_safe.builder.pyprofile "
                              + " ".join(argv)})
    if add:
        env["NEAR_SAFE_PY_PROFILE_ADD"] = "1"
    import subprocess

    return subprocess.call([sys.executable, "-m", "pytest", "-p", "near_safe.builder.pyprofile",
                            "-p", "no:cacheprovider", "--near-mode=wasm", *rest], env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
