"""Contract -> Wasm, through nearc 0.8.8's Python API pieces, with a content-addressed cache.

Why not ``nearc.builder.compile_contract``: it writes ``*_with_exports.py`` and a ``build/``
folder next to the contract, freezes every ``.py`` file in the contract's folder, cannot see
near_safe (installed editable, not in site-packages) and builds MicroPython per contract folder.
So we use its pieces - ``inject_contract_exports``, ``inject_abi``, ``inject_metadata_function``,
the export-wrapper format and the port's Makefile - on a staged copy in the cache, with a
manifest we write (see ``_manifest.py``) and one shared warmed build folder (``_toolchain.py``).
One deliberate difference: nearc's NEP-330 metadata records the git commit of the contract's
folder; ours runs in the staging folder, so it carries the standards (and pyproject metadata)
but no commit - a commit in the Wasm would defeat the content-addressed cache.

Cache layout under ``cache_root()`` (``$NEAR_SAFE_CACHE`` or ``~/.cache/near_safe``)::

    toolchain/<toolchain id>/build/      shared MicroPython build folder (mpy-cross, objects)
    toolchain/<toolchain id>/lock        fcntl lock guarding it
    toolchain/<toolchain id>/warm        marker: the port objects are compiled
    wasm/<key>.wasm                      cached Wasm, key = sha256 of every input (see cache_key)
    wasm/<key>.json                      what went in: contract, exports, frozen files, timings
    wasm/<key>.manifest.py               the MicroPython manifest the Wasm was frozen from
    work/<key>/                          staging folder of a build (removed after success;
                                         kept a day after a failure, its build.log is named
                                         in the error)
    builds.log                           one line per real (non-cached) build

The cache is bounded by :func:`prune`: the newest ``MAX_CACHED_WASM`` Wasm files are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError
from . import _analyze, _manifest
from ._misuse import check_decorator_misuse
from ._progress import Progress
from ._toolchain import (
    BUILDER_FORMAT,
    Toolchain,
    cache_root,
    emcc_version,
    find_emcc,
    nearc_version,
    toolchain_id,
)

# Options that change the Wasm and are therefore part of the key.  (nearc injects an ABI and a
# NEP-330 metadata export; we keep both, as `nearc contract.py` would.)
BUILD_OPTIONS = {"abi": True, "metadata": True, "stdlib": "nearc-0.8.8-default"}


@dataclass(frozen=True)
class BuildResult:
    """The outcome of :func:`build`."""

    wasm: Path  # the cached Wasm (or the requested output path)
    key: str  # content hash of every input
    cached: bool  # True when no toolchain ran
    seconds: float  # wall time of the call, lock_wait included
    lock_wait: float  # time spent waiting for another process's build (shared toolchain)
    exports: tuple[str, ...]
    manifest: Path  # the manifest the Wasm was frozen from

    @property
    def size(self) -> int:
        return self.wasm.stat().st_size


def _wasm_dir() -> Path:
    return cache_root() / "wasm"


def _site_package_files(location: Path) -> list[Path]:
    if location.is_dir():
        return sorted(p for p in location.rglob("*.py") if "__pycache__" not in p.parts)
    return [location]


CHECKS_VERSION = "decorator-misuse-1"


def cache_key(plan: _analyze.Plan, emcc: Path, patches: bool = True) -> str:
    """sha256 over everything that determines the Wasm: the contract, the local modules and
    installed packages it freezes, near_safe's contract-side files, nearc and emcc versions,
    and our build options."""
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(label.encode() + b"\0" + len(data).to_bytes(8, "little") + data)

    add("format", BUILDER_FORMAT.encode())
    # The checks a build passes before the toolchain runs: a cached Wasm proves it passed them,
    # so adding a check must change every key (the toolchain itself is kept).
    add("checks", CHECKS_VERSION.encode())
    add("options", json.dumps(BUILD_OPTIONS, sort_keys=True).encode())
    add("nearc", nearc_version().encode())
    add("emcc", emcc_version(emcc).encode())
    add("toolchain", toolchain_id(emcc, patches).encode())  # includes the port patches
    add("contract-name", plan.contract.name.encode())
    add("contract", plan.source.encode())
    pyproject = plan.contract.parent / "pyproject.toml"  # nearc reads metadata from it
    if pyproject.is_file():
        add("pyproject", pyproject.read_bytes())
    for target, real in sorted(plan.local_modules.items()):
        add("local:" + target, real.read_bytes())
    if plan.near_safe_files:
        root = _analyze.near_safe_root()
        for rel in plan.near_safe_files:
            add("near_safe:" + rel, (root / rel).read_bytes())
    for name, location in sorted(plan.packages.items()):
        base = location if location.is_dir() else location.parent
        for f in _site_package_files(location):
            add(f"pkg:{name}:{f.relative_to(base)}", f.read_bytes())
    return h.hexdigest()


def build(source_path, output=None, *, progress=None, rebuild: bool = False,
          patches: bool = True) -> BuildResult:
    """Compile ``source_path`` to Wasm, or return the cached Wasm if nothing changed.

    ``output``: also copy the Wasm there (the result's ``wasm`` is then that path).
    ``progress``: None/True print stages on stderr, False is quiet, a callable gets each line.
    ``rebuild``: ignore a cached Wasm for this contract (the shared toolchain is kept).
    ``patches``: False builds plain nearc's MicroPython port, without near_safe's port
    patches (its own toolchain folder and cache keys; see docs/micropython.md).
    Raises :class:`near_safe.errors.BuildError` with the problem and the fix.
    """
    start = time.monotonic()
    source_path = Path(source_path)
    prog = Progress.make(progress, source_path.name)
    plan = _analyze.plan_build(source_path)
    emcc = find_emcc()
    key = cache_key(plan, emcc, patches=patches)
    wasm_dir = _wasm_dir()
    cached = wasm_dir / f"{key}.wasm"
    manifest_copy = wasm_dir / f"{key}.manifest.py"

    was_cached = cached.is_file() and not rebuild
    lock_wait = 0.0
    if not was_cached and plan.near_safe_files:
        prog.stage("checking near_safe decorators (CPython import)")
        check_decorator_misuse(plan.contract)
    if not was_cached:
        toolchain = Toolchain(emcc, patches=patches)
        t_lock = time.monotonic()
        with toolchain.locked(prog):
            lock_wait = time.monotonic() - t_lock
            # Another process may have built the same contract while we waited for the lock.
            if rebuild or not cached.is_file():
                _build_locked(plan, key, toolchain, prog, cached, manifest_copy)
                was_cached = False
            else:
                was_cached = True
    result_path = cached
    if output is not None:
        as_folder = str(output).endswith(("/", os.sep))  # "-o build/" means a folder
        output = Path(output)
        if output.is_dir() or as_folder:
            output = output / (plan.contract.stem + ".wasm")
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + f".tmp{os.getpid()}")
        shutil.copyfile(cached, tmp)
        os.replace(tmp, output)
        result_path = output
    if not was_cached:
        prog.done(f"built {result_path} ({result_path.stat().st_size / 1024:.0f} KB)")
    return BuildResult(
        wasm=result_path,
        key=key,
        cached=was_cached,
        seconds=time.monotonic() - start,
        lock_wait=lock_wait,
        exports=tuple(plan.exports),
        manifest=manifest_copy,
    )


def build_contract(source_path, output=None, *, progress=None, rebuild: bool = False,
                   patches: bool = True) -> Path:
    """Compile a contract (cached) and return the Wasm's path; see :func:`build`."""
    return build(source_path, output, progress=progress, rebuild=rebuild, patches=patches).wasm


@contextlib.contextmanager
def _nearc_console_quiet():
    """nearc's injection helpers print through a rich console on stdout; silence it."""
    from nearc.utils import console

    old = console.quiet
    console.quiet = True
    try:
        yield
    finally:
        console.quiet = old


def _stage_sources(plan: _analyze.Plan, src: Path) -> Path:
    """Copy the contract and its local modules into ``src`` and apply nearc's injections
    (class exports, ABI, NEP-330 metadata) there, never in the user's folder.  Returns the
    staged contract, under its own file name (the frozen module the export wrappers run)."""
    from nearc.abi import inject_abi
    from nearc.exports import inject_contract_exports
    from nearc.metadata import inject_metadata_function

    src.mkdir(parents=True)
    for target, real in plan.local_modules.items():
        dest = src / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(real.read_bytes())  # fresh mtime: makemanifest recompiles its .mpy
    pyproject = plan.contract.parent / "pyproject.toml"
    if pyproject.is_file():
        (src / "pyproject.toml").write_bytes(pyproject.read_bytes())
    # Inject in a side folder so intermediate files never shadow the local modules.
    inject = src.parent / "inject"
    inject.mkdir()
    staged = inject / plan.contract.name
    staged.write_text(plan.source, encoding="utf-8")
    if pyproject.is_file():
        (inject / "pyproject.toml").write_bytes(pyproject.read_bytes())
    with _nearc_console_quiet():
        step = inject_contract_exports(staged)
        try:
            step = inject_abi(step)
        except Exception as exc:  # noqa: BLE001  near_abi_py raises anything; report it
            raise BuildError(
                f"{plan.contract}: nearc's ABI generator (near_abi_py) failed on this contract: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        step = inject_metadata_function(step)
    final = src / plan.contract.name
    final.write_text(step.read_text(encoding="utf-8"), encoding="utf-8")
    return final


def _build_locked(plan, key, toolchain: Toolchain, prog: Progress, cached: Path,
                  manifest_copy: Path) -> None:
    """The real build; the caller holds the toolchain lock."""
    work = cache_root() / "work" / key
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    t0 = time.monotonic()
    prog.stage("staging sources and injecting exports/ABI/metadata (nearc)")
    staged = _stage_sources(plan, work / "src")
    exports = sorted(set(plan.exports) | _analyze.NEARC_INJECTED_EXPORTS)
    manifest = _manifest.write_manifest(work / "manifest.py", plan, staged)
    wrappers = _manifest.write_wrappers(work / "export_wrappers.c", staged.name, exports)

    toolchain.build_mpy_cross(prog)
    toolchain.forget_frozen(
        [staged.name, *plan.local_modules]
        + ["near_safe/"] * bool(plan.near_safe_files)
        + [name + "/" if loc.is_dir() else loc.name for name, loc in plan.packages.items()]
    )
    out = work / "contract.wasm"
    toolchain.build_wasm(manifest, wrappers, exports, out, prog, log=work / "build.log")
    prog.end_stage()

    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(cached.name + f".tmp{os.getpid()}")
    shutil.copyfile(out, tmp)
    shutil.copyfile(manifest, manifest_copy)
    seconds = time.monotonic() - t0
    info = {
        "contract": str(plan.contract),
        "exports": plan.exports,
        "local_modules": {t: str(p) for t, p in sorted(plan.local_modules.items())},
        "near_safe_files": plan.near_safe_files,
        "packages": {n: str(p) for n, p in sorted(plan.packages.items())},
        "nearc": nearc_version(),
        "emcc": emcc_version(toolchain.emcc),
        "options": BUILD_OPTIONS,
        "build_seconds": round(seconds, 2),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (cached.with_suffix(".json")).write_text(json.dumps(info, indent=2) + "\n")
    os.replace(tmp, cached)  # last: a cached .wasm always has its .json and manifest
    with open(cache_root() / "builds.log", "a") as fh:
        fh.write(f"{info['built_at']} {key} {seconds:.1f}s {plan.contract}\n")
    shutil.rmtree(work, ignore_errors=True)
    prune()


# Bounds on the cache: every edit of a contract adds a ~400 KB Wasm.
MAX_CACHED_WASM = 300
STALE_WORK_SECONDS = 24 * 3600


def prune(max_wasm: int = MAX_CACHED_WASM) -> int:
    """Delete the oldest-built Wasm entries beyond ``max_wasm`` and staging folders of failed
    builds older than a day; return the number of Wasm entries removed.  Called after every
    real build.  (An entry removed while another process still wants it is simply rebuilt.)"""
    wasm_dir = _wasm_dir()
    entries = sorted(wasm_dir.glob("*.wasm"), key=lambda p: p.stat().st_mtime) if wasm_dir.is_dir() else []
    removed = 0
    for wasm in entries[: max(0, len(entries) - max_wasm)]:
        for suffix in (".wasm", ".json", ".manifest.py"):
            wasm.with_suffix(suffix).unlink(missing_ok=True)
        removed += 1
    work_root = cache_root() / "work"
    if work_root.is_dir():
        now = time.time()
        for work in work_root.iterdir():
            try:
                if now - work.stat().st_mtime > STALE_WORK_SECONDS:
                    shutil.rmtree(work, ignore_errors=True)
            except FileNotFoundError:
                pass
    return removed


def build_count(key: str | None = None) -> int:
    """How many real builds the cache has recorded (for one key, or all): an observable for
    tests that a cache hit did not rebuild."""
    log = cache_root() / "builds.log"
    if not log.is_file():
        return 0
    lines = log.read_text().splitlines()
    if key is None:
        return len(lines)
    return sum(1 for line in lines if line.split()[1:2] == [key])
