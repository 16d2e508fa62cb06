"""Contract -> Wasm with nearc 0.10's CPython backend (`near-safe build --compiler py`).

nearc 0.10 (Python >= 3.12) adds ``--compiler py``: CPython 3.13 compiled for NEAR (the
cpython-near-wasm-opt package: a prebuilt ``python.wasm`` and a stdlib zip), into which
``nearc.builder.compile_contract_cpython`` puts the contract and a copy of the venv's
site-packages, then optimizes (module tracing, function tracing: it runs the Wasm in wasmtime
to find what the contract uses, and cuts the rest).

What this module does differently from ``nearc --compiler py``: the "venv" it hands nearc is a
MINIMAL one staged in the cache - only what the contract imports (near_safe's contract-side
files, the installed packages and local modules the analysis found), never the venv near_safe
runs from: nearc copies that site-packages into the build, and a developer venv made a build run
12 minutes at 13.7 GB without finishing (docs/micropython.md, "Backends").  Same snapshot and
content-addressed cache as the MicroPython builder (``wasm/<key>.wasm``; the key adds the
backend, cpython-near-wasm-opt's version and the optimisation level).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import sys
import time
from pathlib import Path

from ..errors import BuildError
from . import _analyze
from ._build import (
    BuildResult,
    _atomic_write,
    _nearc_console_quiet,
    _wasm_dir,
    cache_key,
    put,
    stage_contract,
    take_snapshot,
)
from ._progress import Progress
from ._toolchain import cache_root

COMPILERS = ("mpy", "py")
# Which backend the runtime and the tools build contracts with (``build_contract``): "mpy"
# (MicroPython, the default) or "py".  The 3.13 lane's CPython-backend run sets it, so the same
# tests run on contracts built by the CPython backend (.ci/lane313).
COMPILER_ENV = "NEAR_SAFE_COMPILER"


def selected_compiler() -> str:
    """The backend ``$NEAR_SAFE_COMPILER`` selects ("mpy" when unset)."""
    value = os.environ.get(COMPILER_ENV) or "mpy"
    if value not in COMPILERS:
        raise BuildError(f"{COMPILER_ENV}={value!r} is not a backend: set it to 'mpy' "
                         "(MicroPython, the default) or 'py' (nearc 0.10's CPython backend), "
                         "or unset it")
    return value
# nearc 0.10's `--opt-level` table for the CPython backend:
# level -> (module tracing, function tracing, compression, debug info)
OPT_LEVELS = {0: (False, "off", False, True), 1: (True, "off", True, True),
              2: (True, "safest", True, True), 3: (True, "safe", True, True),
              4: (True, "aggressive", True, True), 5: (True, "aggressive", True, False)}
# nearc's default is 4 (aggressive function tracing); for near_safe's oracle example it cut
# functions the calls need: every call trapped (Unreachable).  -O1 (module tracing only) keeps
# them: the calls give the MicroPython build's results (bench/bench_backends.py).
DEFAULT_OPT_LEVEL = 1


def _backend_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    _compile_fn()  # BuildError when nearc is missing or has no CPython backend
    try:
        return version("cpython-near-wasm-opt")
    except PackageNotFoundError:
        raise BuildError(_NEEDS) from None


_NEEDS = ("the CPython backend needs nearc >= 0.10 on Python >= 3.12 (it installs "
          "cpython-near-wasm-opt): pip install 'nearc==0.10.*', or build with the default "
          "MicroPython backend (no --compiler py)")


def _compile_fn():
    try:
        from nearc.builder import compile_contract_cpython
    except ImportError:
        raise BuildError(_NEEDS) from None
    return compile_contract_cpython


# Under CPython (not MicroPython) the package root also imports these (its tool-side error base
# class): the MicroPython builder never freezes them, the CPython backend needs them.
CPYTHON_EXTRA = ("errors.py",)


def _near_safe_files(snap) -> dict:
    if not snap.near_safe:
        return {}
    root = _analyze.near_safe_root()
    return {**snap.near_safe, **{rel: (root / rel).read_bytes() for rel in CPYTHON_EXTRA}}


# Part of every CPython-backend cache key: bump it when what _build hands nearc changes, so a
# Wasm an older build made is not served.  2: every staged module kept by module tracing;
# 3: no ABI (near-abi-py imported the contract on the build machine).
PY_FORMAT = "3"


def build_py(source_path, output=None, *, progress=None, rebuild: bool = False,
             opt_level: int = DEFAULT_OPT_LEVEL) -> BuildResult:
    """Like :func:`near_safe.builder.build`, with nearc 0.10's CPython backend."""
    start = time.monotonic()
    if opt_level not in OPT_LEVELS:
        raise BuildError(f"--opt-level {opt_level}: choose one of 0-5 (nearc's levels)")
    backend = _backend_version()
    source_path = Path(source_path)
    prog = Progress.make(progress, source_path.name)
    plan = _analyze.plan_build(source_path)
    snap = take_snapshot(plan)
    h = hashlib.sha256(
        f"py{PY_FORMAT}|cpython-near-wasm-opt {backend}|O{opt_level}|"
        f"{cache_key(plan, None, snap)}".encode())
    for rel, data in sorted(_near_safe_files(snap).items()):
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    key = h.hexdigest()
    cached = _wasm_dir() / f"{key}.wasm"
    was_cached = cached.is_file() and not rebuild
    if not was_cached:
        work = cache_root() / "work" / f"py-{key}"
        shutil.rmtree(work, ignore_errors=True)
        try:
            data = _build(plan, snap, work, opt_level, prog)
        finally:
            if sys.exc_info()[0] is None:
                shutil.rmtree(work, ignore_errors=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(cached, data)
        prog.done(f"built {cached} ({len(data) / 1024:.0f} KB, CPython backend)")
    if plan.near_safe_files:  # reserved callback gas vs what each callback burns (measured)
        _check_callback_gas(plan, cached)
    result = cached
    if output is not None:
        output = Path(output)
        if output.is_dir() or str(output).endswith(("/", os.sep)):
            output = output / (plan.contract.stem + ".wasm")
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, output)
        result = output
    return BuildResult(wasm=result, key=key, cached=was_cached,
                       seconds=time.monotonic() - start, lock_wait=0.0,
                       exports=tuple(plan.exports), manifest=cached)


def _check_callback_gas(plan, wasm: Path) -> None:
    """The MicroPython builder's check (``_misuse.check_callback_gas``) on this Wasm: a callback
    whose reserved gas is below what it burns before its body runs is refused.  CPython's
    start-up makes that floor about 40-65 Tgas per call (LZ4-decompressing the data segment is
    about 22 of them), so near_safe's default CALLBACK_GAS (10 Tgas) is refused here: such a
    callback would run out of gas on every call, leaving its debit unrestored, its lock held."""
    from ._misuse import check_callback_gas

    try:
        check_callback_gas(plan.source, plan.contract, wasm.read_bytes(),
                           wasm.with_suffix(".callback_gas"))
    except BuildError as exc:
        raise BuildError(str(exc).replace("MicroPython start-up", "CPython start-up (the "
                                          "CPython backend)")) from None


@contextlib.contextmanager
def _keep_staged_modules(site: Path):
    """cpython-near-wasm-opt's module tracing freezes only the modules its own trace run loaded,
    and that run calls each method once with empty input: near_safe's methods stop at their
    argument or private check, so the modules near_safe imports on demand (contract/_promise
    for safe_call, _xcc, ...) were cut and every safe_call failed with ImportError.  While
    nearc builds, the trace's answer also names every module staged in ``site`` (the staging
    holds only what the contract imports)."""
    try:
        from cpython_near_wasm_opt import core

        traced = core.trace_wasm
    except (ImportError, AttributeError):
        raise BuildError("this cpython-near-wasm-opt has no core.trace_wasm, which near_safe "
                         "extends so that module tracing keeps the modules near_safe imports "
                         f"on demand: install the one nearc 0.10 pins ({_NEEDS})") from None
    keep = {p.relative_to(site).with_suffix(".pyc").as_posix() for p in site.rglob("*.py")}

    def trace_wasm(*args, **kwargs):
        called, frozen, builtin = traced(*args, **kwargs)
        return called, set(frozen) | keep, builtin

    core.trace_wasm = trace_wasm
    try:
        yield
    finally:
        core.trace_wasm = traced


@contextlib.contextmanager
def _no_abi():
    """nearc's compile_contract_cpython makes the contract's ABI with near-abi-py, which IMPORTS
    the contract on the build machine (in inject_abi and again for the optimizer's inputs): a
    build must never run the contract (the MicroPython builder leaves the ABI out for nearc >=
    0.9, ``_build.abi_runs_the_contract``).  While nearc builds, both get an empty ABI without
    reading the contract: the Wasm has no ``__contract_abi`` export, as with the MicroPython
    backend, and the optimizer's inputs are what near-abi-py gave near_safe's methods anyway
    (none: it does not read near_safe's decorators)."""
    import nearc.builder as nb

    saved = nb.inject_abi, nb.generate_abi_from_files
    nb.inject_abi = lambda contract_path: contract_path
    nb.generate_abi_from_files = lambda *args, **kwargs: {}
    try:
        yield
    finally:
        nb.inject_abi, nb.generate_abi_from_files = saved


def _build(plan, snap, work: Path, opt_level: int, prog: Progress) -> bytes:
    compile_contract_cpython = _compile_fn()
    module_tracing, function_tracing, compression, debug_info = OPT_LEVELS[opt_level]
    site = work / "venv" / "lib" / "site-packages"  # nearc copies this folder into the Wasm
    site.mkdir(parents=True)
    src = work / "src"
    contract = stage_contract(src, plan, snap)
    for target, data in snap.local.items():
        for base in (src, site):
            put(base / target, data)
    for rel, data in _near_safe_files(snap).items():
        put(site / _analyze.NEAR_SAFE / rel, data)
    for name, files in snap.packages.items():
        location = plan.packages[name]
        for rel, data in files:
            put(site / (name if location.is_dir() else "") / rel, data)
    out = work / (plan.contract.stem + ".wasm")
    prog.stage(f"CPython backend: nearc compile_contract_cpython, -O{opt_level} "
               f"(module tracing {module_tracing}, function tracing {function_tracing})")
    log = io.StringIO()
    try:
        with _nearc_console_quiet(), contextlib.redirect_stdout(log), \
                _keep_staged_modules(site), _no_abi():
            ok = compile_contract_cpython(
                contract, out, work / "venv", rebuild=True, single_file=True,
                module_tracing=module_tracing, function_tracing=function_tracing,
                compression=compression, debug_info=debug_info, pinned_functions=[],
                verify_optimized_wasm=False)
    except Exception as exc:  # noqa: BLE001  nearc/cpython-near-wasm-opt raise anything
        (work / "build.log").write_text(log.getvalue())
        raise BuildError(f"{plan.contract}: nearc's CPython backend failed: "
                         f"{type(exc).__name__}: {exc} (work folder kept: {work})") from None
    if ok is False or not out.is_file():
        (work / "build.log").write_text(log.getvalue())
        raise BuildError(f"{plan.contract}: nearc's CPython backend produced no Wasm "
                         f"(log: {work / 'build.log'})")
    return out.read_bytes()
