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
from . import _build as _build_module  # its check_decorator_misuse: one name tests can replace
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
# -O5 (function tracing "aggressive", no debug names) plus near_safe's pin list: the level whose
# contracts both deploy and run, and fit uncompressed (a class-based near-sdk-py contract is
# 1.48 MB at -O5, 1.62 MB at -O4).  -O1/-O2 keep too much (2.4 / 1.66 MB, over NEAR's 1,572,864-byte
# transaction limit); -O3/-O4 alone keep only what cpython-near-wasm-opt's own trial run reached
# (each method once, empty input, a fake host: near_safe's argument checks stop it), so real
# calls trapped (Unreachable).  docs/micropython.md, "Backends".
DEFAULT_OPT_LEVEL = 5
# NEAR's transaction size limit (params.py, max_transaction_size): a deploy of a bigger Wasm
# cannot be sent.  The build keeps the data segment uncompressed when the Wasm fits under it:
# LZ4-decompressing it burns about 22 Tgas on every call (bench/bench_backends.py).
MAX_DEPLOYABLE = 1_572_864

# near_safe's pin list (shipped): the C functions of python.wasm, and the frozen modules, that
# near_safe's safety suite and examples reach on this backend, measured by running them on
# cpython-near-wasm-opt's instrumented builds (``python -m near_safe.builder.pyprofile``).
PINS_FILE = Path(__file__).with_name("cpython_pins.txt")
# Set by near_safe.builder.pyprofile: build_py returns the optimizer's instrumented Wasm (every
# function calls env.trace_function_call) instead of an optimized one.
PROFILE_ENV = "NEAR_SAFE_PY_PROFILE"


def read_pins(path: Path) -> tuple[str, list[str], list[str]]:
    """A pin file: ``(cpython-near-wasm-opt version, function names, module paths)``.  Lines:
    ``# comments``, ``cpython-near-wasm-opt VERSION``, ``module PATH.pyc``, function names."""
    version, functions, modules = "", [], []
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise BuildError(f"pin file {path}: {exc.strerror}: give a file written by "
                         "`python -m near_safe.builder.pyprofile`") from None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("cpython-near-wasm-opt "):
            version = line.split()[1]
        elif line.startswith("module "):
            modules.append(line.split(None, 1)[1])
        else:
            functions.append(line)
    return version, functions, modules


def write_pins(path: Path, version: str, functions, modules, how: str) -> None:
    lines = ["# near_safe pin list for nearc 0.10's CPython backend: the functions of python.wasm",
             "# (and frozen modules) a profile of contract runs reached (builder/_cpython.py).",
             f"# measured by: {how}",
             f"# {len(set(functions))} functions, {len(set(modules))} modules",
             f"cpython-near-wasm-opt {version}"]
    lines += [f"module {m}" for m in sorted(set(modules))] + sorted(set(functions))
    _atomic_write(Path(path), ("\n".join(lines) + "\n").encode())


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
# 3: no ABI (near-abi-py imported the contract on the build machine); 4: pin lists, the
# uncompressed Wasm when it fits.
PY_FORMAT = "4"


def build_py(source_path, output=None, *, progress=None, rebuild: bool = False,
             opt_level: int = DEFAULT_OPT_LEVEL, pins=()) -> BuildResult:
    """Like :func:`near_safe.builder.build`, with nearc 0.10's CPython backend.  At -O3 and up
    the functions and modules of near_safe's pin list (:data:`PINS_FILE`) and of the pin files
    ``pins`` (written by ``python -m near_safe.builder.pyprofile`` from your own tests) are
    kept.  While ``$NEAR_SAFE_PY_PROFILE`` is set, the result is the optimizer's instrumented
    Wasm instead (for that profiler only: it is over NEAR's size limits)."""
    start = time.monotonic()
    if opt_level not in OPT_LEVELS:
        raise BuildError(f"--opt-level {opt_level}: choose one of 0-5 (nearc's levels)")
    backend = _backend_version()
    instrumented = bool(os.environ.get(PROFILE_ENV))
    functions, modules = ([], []) if instrumented else _pins(backend, opt_level, pins)
    source_path = Path(source_path)
    prog = Progress.make(progress, source_path.name)
    plan = _analyze.plan_build(source_path)
    snap = take_snapshot(plan)
    h = hashlib.sha256(
        f"py{PY_FORMAT}|cpython-near-wasm-opt {backend}|O{opt_level}|"
        f"{'instrumented' if instrumented else 'optimized'}|{cache_key(plan, None, snap)}".encode())
    for rel, data in sorted(_near_safe_files(snap).items()):
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    if not instrumented:
        h.update("\n".join(sorted(set(functions)) + sorted(set(modules))).encode())
    key = h.hexdigest()
    cached = _wasm_dir() / f"{key}.wasm"
    was_cached = cached.is_file() and not rebuild
    if not was_cached and plan.near_safe_files:  # as the MicroPython builder (_build.build)
        prog.stage("checking near_safe decorators (syntax tree)")
        _build_module.check_decorator_misuse(plan.contract, plan.source, {
            plan.local_modules[t]: snap.local[t].decode("utf-8") for t in plan.local_modules})
    if not was_cached:
        work = cache_root() / "work" / f"py-{key}"
        shutil.rmtree(work, ignore_errors=True)
        try:
            data = _build(plan, snap, work, opt_level, prog, functions, modules, instrumented)
        finally:
            if sys.exc_info()[0] is None:
                shutil.rmtree(work, ignore_errors=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(cached, data)
        prog.done(f"built {cached} ({len(data) / 1024:.0f} KB, CPython backend"
                  f"{', instrumented for profiling' if instrumented else ''})")
    if plan.near_safe_files and not instrumented:  # reserved callback gas vs what each burns
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


def _pins(backend: str, opt_level: int, extra) -> tuple[list, list]:
    """The functions and modules to keep: near_safe's pin list and the user's pin files, at
    the levels that cut functions (3-5).  A pin list measured on another cpython-near-wasm-opt
    is refused: its python.wasm may name and reach other functions, and a function the list
    misses traps (Unreachable) in the call that needs it - in a callback, a settlement lost."""
    if OPT_LEVELS[opt_level][1] in ("off", "safest"):
        return [], []
    functions, modules = [], []
    for path in (PINS_FILE, *extra):
        version, f, m = read_pins(path)
        if version != backend:
            raise BuildError(
                f"pin file {path} was measured on cpython-near-wasm-opt {version or '(unknown)'}"
                f", this machine has {backend}: install nearc==0.10.0 (it pins the version the "
                "list was measured on), or measure a new list: python -m "
                "near_safe.builder.pyprofile --out FILE YOUR_TESTS (docs/micropython.md)")
        functions += f
        modules += m
    return functions, modules


def _check_callback_gas(plan, wasm: Path) -> None:
    """The MicroPython builder's check (``_misuse.check_callback_gas``) on this Wasm: a callback
    whose reserved gas is below what it burns before its body runs is refused.  CPython's
    start-up makes that floor about 40 Tgas per call (63 when the data segment is LZ4-compressed,
    as when the Wasm would not fit otherwise), so near_safe's CALLBACK_GAS is 50 Tgas on this
    backend, and MicroPython's 10 Tgas would run out of gas on every call, leaving a debit
    unrestored, a lock held."""
    from . import _misuse

    _misuse.check_callback_gas(plan.source, plan.contract, wasm.read_bytes(),
                               wasm.with_suffix(".callback_gas"),
                               default=_misuse._contract_side._CALLBACK_GAS_PY,
                               start_up="CPython start-up (the CPython backend)")


class _Instrumented(Exception):
    """Raised from the optimizer's trace step when only its instrumented Wasm is wanted."""


@contextlib.contextmanager
def _trace_hooks(site: Path, modules, instrumented: bool):
    """Two changes to cpython-near-wasm-opt's trace step while nearc builds.

    Module tracing freezes only the modules the optimizer's own trial run loaded, and that run
    calls each method once with empty input: near_safe's methods stop at their argument or
    private check, so the modules near_safe imports on demand (contract/_promise for safe_call,
    _xcc, ...) were cut and every safe_call failed with ImportError.  The trace's answer also
    names every module staged in ``site`` (the staging holds only what the contract imports)
    and the pin lists' modules.

    Profiling (``instrumented``): the build stops at the trace step, once the instrumented Wasm
    is written; its instrumentation calls the host once per function per call (a flag global per
    function) rather than on every entry: a call of a near_safe contract enters about a million
    functions, and a host call per entry made a test take seconds."""
    try:
        from cpython_near_wasm_opt import core

        traced, instrument = core.trace_wasm, core.instrument_wat
    except (ImportError, AttributeError):
        raise BuildError("this cpython-near-wasm-opt has no core.trace_wasm / instrument_wat, "
                         "which near_safe extends so that module tracing keeps the modules "
                         f"near_safe imports on demand: install the one nearc 0.10 pins ({_NEEDS})"
                         ) from None
    keep = {p.relative_to(site).with_suffix(".pyc").as_posix() for p in site.rglob("*.py")}
    keep |= set(modules) | stdlib_imports(site, core.LIB_PATH / "python-stdlib.zip")

    def trace_wasm(*args, **kwargs):
        if instrumented:
            raise _Instrumented
        called, frozen, builtin = traced(*args, **kwargs)
        return called, set(frozen) | keep, builtin

    def instrument_wat(wat):
        return _trace_once(instrument(wat))

    core.trace_wasm = trace_wasm
    if instrumented:
        core.instrument_wat = instrument_wat
    try:
        yield
    finally:
        core.trace_wasm, core.instrument_wat = traced, instrument


def stdlib_imports(site: Path, stdlib_zip: Path) -> set[str]:
    """The stdlib modules (.pyc paths of the stdlib zip) that the staged modules' module-level
    imports load, transitively: a module near_safe imports on demand (contract/_sdk, ...) loads
    them when it is first imported, on a path the optimizer's trial run never took.  The staged
    sources are parsed; the zip holds CPython 3.13 bytecode, read with marshal/dis when this
    interpreter's bytecode is the same (else only the staged modules' direct imports count)."""
    import ast
    import dis
    import importlib.util
    import marshal
    import zipfile

    def from_source(text: bytes, package: str):
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return
        stack = list(tree.body)
        while stack:  # module level, and inside module-level if/try blocks
            node = stack.pop()
            if isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                mod = _absolute(node.module, node.level, package)
                yield mod
                yield from (f"{mod}.{alias.name}" for alias in node.names)
            elif isinstance(node, (ast.If, ast.Try)):
                stack.extend(node.body + node.orelse + getattr(node, "finalbody", []))
                for handler in getattr(node, "handlers", []):
                    stack.extend(handler.body)

    def from_bytecode(data: bytes, package: str):
        if data[:4] != importlib.util.MAGIC_NUMBER:
            return
        consts = []
        for ins in dis.get_instructions(marshal.loads(data[16:])):  # module level only
            if ins.opname == "LOAD_CONST":
                consts = (consts + [ins.argval])[-2:]
            elif ins.opname == "IMPORT_NAME" and len(consts) == 2:
                level, fromlist = consts
                mod = _absolute(ins.argval, level or 0, package)
                yield mod
                yield from (f"{mod}.{n}" for n in (fromlist or ()) if n != "*")

    with zipfile.ZipFile(stdlib_zip) as z:
        names = set(z.namelist())

        def resolve(dotted: str):
            parts, found = dotted.split("."), []
            for i in range(1, len(parts) + 1):
                base = "/".join(parts[:i])
                for cand in (base + "/__init__.pyc", base + ".pyc"):
                    if cand in names:
                        found.append(cand)
                        break
            return found

        todo = []
        for path in site.rglob("*.py"):
            rel = path.relative_to(site).with_suffix("")
            todo.extend(from_source(path.read_bytes(), ".".join(rel.parts[:-1])))
        seen: set[str] = set()
        while todo:
            for path in resolve(todo.pop()):
                if path not in seen:
                    seen.add(path)
                    package = path[:-4].replace("/", ".")
                    package = package.removesuffix(".__init__") if path.endswith(
                        "/__init__.pyc") else package.rpartition(".")[0]
                    todo.extend(from_bytecode(z.read(path), package))
    return seen


def _absolute(module, level: int, package: str) -> str:
    if not level:
        return module or ""
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{module}" if module else base


def _trace_once(wat: list) -> list:
    """The optimizer's instrumented module text, each function's ``call $trace_function_call``
    guarded by a flag global of its own: reported once per instance (NEAR instantiates per
    call), not on every entry."""
    flags = []
    for item in wat:
        if not (isinstance(item, list) and item and item[0] == "func"):
            continue
        for i, sub in enumerate(item):
            if isinstance(sub, list) and sub[:2] == ["call", "$trace_function_call"]:
                flag = f"$near_safe_seen_{len(flags)}"
                flags.append(["global", flag, ["mut", "i32"], ["i32.const", 0]])
                item[i] = ["if", ["i32.eqz", ["global.get", flag]],
                           ["then", ["global.set", flag, ["i32.const", 1]], sub]]
                break
    return wat + flags


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


def _build(plan, snap, work: Path, opt_level: int, prog: Progress, functions, modules,
           instrumented: bool) -> bytes:
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
                _trace_hooks(site, modules, instrumented), _no_abi():
            ok = compile_contract_cpython(
                contract, out, work / "venv", rebuild=True, single_file=True,
                module_tracing=module_tracing, function_tracing=function_tracing,
                compression=compression, debug_info=debug_info,
                pinned_functions=list(functions), verify_optimized_wasm=False)
    except _Instrumented:
        return (contract.parent / "build" / "python-instrumented.wasm").read_bytes()
    except Exception as exc:  # noqa: BLE001  nearc/cpython-near-wasm-opt raise anything
        (work / "build.log").write_text(log.getvalue())
        raise BuildError(f"{plan.contract}: nearc's CPython backend failed: "
                         f"{type(exc).__name__}: {exc} (work folder kept: {work})") from None
    if ok is False or not out.is_file():
        (work / "build.log").write_text(log.getvalue())
        raise BuildError(f"{plan.contract}: nearc's CPython backend produced no Wasm "
                         f"(log: {work / 'build.log'})")
    plain = contract.parent / "build" / "python-optimized.wasm"  # before compression
    if compression and plain.is_file() and plain.stat().st_size <= MAX_DEPLOYABLE:
        return plain.read_bytes()
    return out.read_bytes()
