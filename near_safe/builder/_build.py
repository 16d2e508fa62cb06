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
    wasm/<key>.json                      what went in: contract, exports, frozen files, timings,
                                         and the key and sha256 of the Wasm, checked on every
                                         hit (a mismatch is rebuilt, with a warning)
    wasm/<key>.manifest.py               the MicroPython manifest the Wasm was frozen from
    wasm/<sources key>.sources           the key of the last Wasm built from these sources
                                         (cache_key without the toolchain): a built contract
                                         runs where emcc is missing; only building needs it
    work/<key>/                          staging folder of a build: the snapshot of the
                                         sources the key was computed from (removed after
                                         success; kept a day after a failure, its build.log is
                                         named in the error)
    builds.log                           one line per real (non-cached) build

One snapshot: every input (contract, local modules, near_safe's contract-side files, installed
packages, pyproject.toml) is read once, before the toolchain lock; the key is the hash of those
bytes and a build freezes exactly those bytes (written to ``work/<key>/``), so an edit made while
a build waits for the lock is never stored under the old content's key.

The cache is bounded by :func:`prune`: the newest ``MAX_CACHED_WASM`` Wasm files are kept.
What the cache directory is trusted for: docs/architecture.md, "Trust boundaries".
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError
from . import _analyze, _manifest
from ._misuse import check_decorator_misuse, staged_source
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


CHECKS_VERSION = "decorator-misuse-4-star-import"  # staged_source writes the Wasm's source too


@dataclass
class Snapshot:
    """The bytes of every build input, read once: what the key hashes and the build freezes."""

    contract: bytes
    pyproject: bytes | None
    local: dict[str, bytes]  # manifest target -> bytes
    near_safe: dict[str, bytes]  # path relative to near_safe's folder -> bytes
    packages: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)


def take_snapshot(plan: _analyze.Plan) -> Snapshot:
    """Read every input of ``plan`` once.  The contract, its local modules and near_safe's
    files are the bytes :func:`_analyze.plan_build` parsed (so the exports and imports it found
    are those of the snapshot); the rest is read here."""
    pyproject = plan.contract.parent / "pyproject.toml"  # nearc reads metadata from it
    local = {t: plan.local_sources[t] if t in plan.local_sources else real.read_bytes()
             for t, real in plan.local_modules.items()}
    ns: dict[str, bytes] = {}
    if plan.near_safe_files:
        ns = {rel: plan.near_safe_sources.get(rel) or _analyze.contract_source(rel).read_bytes()
              for rel in plan.near_safe_files}
    packages = {}
    for name, location in sorted(plan.packages.items()):
        base = location if location.is_dir() else location.parent
        packages[name] = [(str(f.relative_to(base)), f.read_bytes())
                          for f in _site_package_files(location)]
    return Snapshot(contract=plan.source.encode(),
                    pyproject=pyproject.read_bytes() if pyproject.is_file() else None,
                    local=local, near_safe=ns, packages=packages)



def put(path: Path, data: bytes) -> None:
    """Stage ``data`` at ``path`` (folders made as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def stage_contract(folder: Path, plan, snap) -> Path:
    """The snapshot's contract (and the pyproject.toml nearc reads metadata from) in
    ``folder``, a new folder; returns the staged contract's path."""
    folder.mkdir()
    staged = folder / plan.contract.name
    # annotations -> args= (near_safe methods), annotations blanked: _misuse.staged_source
    staged.write_bytes(staged_source(snap.contract.decode("utf-8"), plan.contract).encode())
    if snap.pyproject is not None:
        (folder / "pyproject.toml").write_bytes(snap.pyproject)
    return staged

def cache_key(plan: _analyze.Plan, emcc: Path, snapshot: Snapshot | None = None,
              patches: bool = True) -> str:
    """sha256 over everything that determines the Wasm: the contract, the local modules and
    installed packages it freezes, near_safe's contract-side files, nearc and emcc versions,
    and our build options.  The sources come from ``snapshot`` (taken now when not given)."""
    snap = snapshot if snapshot is not None else take_snapshot(plan)
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(label.encode() + b"\0" + len(data).to_bytes(8, "little") + data)

    add("format", BUILDER_FORMAT.encode())
    # The checks a build passes before the toolchain runs: a cached Wasm proves it passed them,
    # so adding a check must change every key (the toolchain itself is kept).
    add("checks", CHECKS_VERSION.encode())
    add("options", json.dumps(BUILD_OPTIONS, sort_keys=True).encode())
    add("nearc", nearc_version().encode())
    if emcc is None:  # the sources' own key, which indexes the last Wasm built from them
        add("sources-only", str(bool(patches)).encode())
    else:
        add("emcc", emcc_version(emcc).encode())
        add("toolchain", toolchain_id(emcc, patches).encode())  # includes the port patches
    add("contract-name", plan.contract.name.encode())
    add("contract", snap.contract)
    if snap.pyproject is not None:
        add("pyproject", snap.pyproject)
    for target, data in sorted(snap.local.items()):
        add("local:" + target, data)
    for rel in plan.near_safe_files:
        add("near_safe:" + rel, snap.near_safe[rel])
    for name, files in sorted(snap.packages.items()):
        for rel, data in files:
            add(f"pkg:{name}:{rel}", data)
    return h.hexdigest()


def _wasm_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _prebuilt(index: Path) -> str | None:
    """The key of the last Wasm built from the sources ``index`` is named after, if that Wasm
    is still cached and verifies; else None.  Lets built contracts run where emcc is missing."""
    try:
        key = index.read_text().strip()
    except OSError:
        return None
    return key if _verified_hit(_wasm_dir() / f"{key}.wasm", key) is not None else None


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _verified_hit(cached: Path, key: str) -> bytes | None:
    """The cached Wasm's bytes if its record names this key and the bytes' sha256; None when
    there is no entry or it does not verify (then it is rebuilt, with a warning when the entry
    is there but wrong).  Run on every hit: the cache directory can be written by others."""
    try:
        data = cached.read_bytes()
    except FileNotFoundError:
        return None
    try:
        info = json.loads(cached.with_suffix(".json").read_text())
    except (OSError, ValueError):
        info = None
    if isinstance(info, dict) and "wasm_sha256" not in info:
        return None  # written before records named the Wasm's hash: rebuilt once, quietly
    if not isinstance(info, dict):
        warnings.warn(f"near-safe build: cached Wasm {cached} has no readable record of what "
                      "it was built from: rebuilding it", stacklevel=3)
        return None
    if info.get("key") != key or info.get("wasm_sha256") != _wasm_digest(data):
        warnings.warn(f"near-safe build: cached Wasm {cached} is not the Wasm its key was "
                      "built into (its sha256 or key does not match its record): the cache "
                      "entry was modified; rebuilding it", stacklevel=3)
        return None
    return data


def build(source_path, output=None, *, progress=None, rebuild: bool = False,
          patches: bool = True) -> BuildResult:
    """Compile ``source_path`` to Wasm, or return the cached Wasm if nothing changed.

    ``output``: also copy the Wasm there (the result's ``wasm`` is then that path); the bytes
    written are the ones verified against the key (a release build never gets a cache entry
    that does not verify).
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
    snap = take_snapshot(plan)
    wasm_dir = _wasm_dir()
    # Only building needs emcc: without it, the last Wasm built from these exact sources runs.
    index = wasm_dir / f"{cache_key(plan, None, snap, patches)}.sources"
    emcc = None
    key = None if rebuild or shutil.which("emcc") else _prebuilt(index)
    if key is None:
        emcc = find_emcc()
        key = cache_key(plan, emcc, snap, patches)
    cached = wasm_dir / f"{key}.wasm"
    manifest_copy = wasm_dir / f"{key}.manifest.py"

    data = None if rebuild else _verified_hit(cached, key)
    was_cached = data is not None
    lock_wait = 0.0
    if not was_cached and plan.near_safe_files:
        prog.stage("checking near_safe decorators (syntax tree)")
        check_decorator_misuse(plan.contract, plan.source, {
            plan.local_modules[t]: snap.local[t].decode("utf-8") for t in plan.local_modules})
    if not was_cached:
        toolchain = Toolchain(emcc or find_emcc(), patches=patches)
        t_lock = time.monotonic()
        with toolchain.locked(prog):
            lock_wait = time.monotonic() - t_lock
            # Another process may have built the same contract while we waited for the lock.
            if not rebuild and cached.is_file():
                data = _verified_hit(cached, key)
            if data is None:
                data = _build_locked(plan, snap, key, toolchain, prog, cached, manifest_copy)
            else:
                was_cached = True
    if emcc is not None:
        _atomic_write(index, key.encode())
    if plan.near_safe_files:  # reserved callback gas vs what each callback burns (measured)
        from ._misuse import check_callback_gas

        check_callback_gas(plan.source, plan.contract, data, wasm_dir / f"{key}.callback_gas")
    result_path = cached
    if output is not None:
        as_folder = str(output).endswith(("/", os.sep))  # "-o build/" means a folder
        output = Path(output)
        if output.is_dir() or as_folder:
            output = output / (plan.contract.stem + ".wasm")
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, output)
        result_path = output
    if not was_cached:
        prog.done(f"built {result_path} ({len(data) / 1024:.0f} KB)")
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
    """Compile a contract (cached) and return the Wasm's path; see :func:`build`.  The runtime
    and the tools build through here: ``NEAR_SAFE_COMPILER=py`` selects nearc 0.10's CPython
    backend for near_safe's port (``_cpython.selected_compiler``)."""
    if patches:
        from ._cpython import build_py, selected_compiler

        if selected_compiler() == "py":
            return build_py(source_path, output, progress=progress, rebuild=rebuild).wasm
    return build(source_path, output, progress=progress, rebuild=rebuild, patches=patches).wasm


def abi_runs_the_contract() -> bool:
    """nearc >= 0.9 makes the ABI with near-abi-py 1.x's ``generate_abi_from_files``, which
    IMPORTS the contract (runs its module code on the build machine) to find its functions;
    nearc 0.8.8's ``generate_abi`` reads the source only.  A build must never run the contract
    (tests/builder/test_builder_misuse.py), so with nearc >= 0.9 the Wasm gets no ABI export
    (``contract_source_metadata`` is kept; the cache key changes with nearc's version)."""
    import nearc.abi

    return hasattr(nearc.abi, "generate_abi_from_files")


@contextlib.contextmanager
def _nearc_console_quiet():
    """nearc's injection helpers print through a rich console on stdout; silence it.  nearc
    0.10's ABI step (near-abi-py's ``generate_abi_from_files``) prints through its own console
    ("Found 1 contract function(s)"), so stdout is captured too: it is the CLI's output."""
    import io

    from nearc.utils import console

    old = console.quiet
    console.quiet = True
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        console.quiet = old


def _stage_sources(plan: _analyze.Plan, snap: Snapshot, work: Path):
    """Write the snapshot into ``work`` and apply nearc's injections (class exports, ABI,
    NEP-330 metadata) there, never in the user's folder.  Returns the staged contract, under
    its own file name (the frozen module the export wrappers run), and the plan the manifest
    is written from: every path in it points into ``work``."""
    from nearc.abi import inject_abi
    from nearc.exports import inject_contract_exports
    from nearc.metadata import inject_metadata_function

    src = work / "src"
    src.mkdir(parents=True)
    for target, data in snap.local.items():
        put(src / target, data)  # fresh mtime: makemanifest recompiles its .mpy
    if snap.pyproject is not None:
        (src / "pyproject.toml").write_bytes(snap.pyproject)
    ns_root = None
    if snap.near_safe:
        ns_root = work / "ns" / _analyze.NEAR_SAFE
        for rel, data in snap.near_safe.items():
            put(ns_root / rel, data)
    packages = {}
    for name, files in snap.packages.items():
        location = plan.packages[name]
        base = work / "pkgs"
        for rel, data in files:
            put(base / (name if location.is_dir() else "") / rel, data)
        packages[name] = base / name if location.is_dir() else base / location.name
    # Inject in a side folder so intermediate files never shadow the local modules.
    staged = stage_contract(work / "inject", plan, snap)
    with _nearc_console_quiet():
        step = inject_contract_exports(staged)
        try:
            if not abi_runs_the_contract():
                step = inject_abi(step)
        except Exception as exc:  # noqa: BLE001  near_abi_py raises anything; report it
            raise BuildError(
                f"{plan.contract}: nearc's ABI generator (near_abi_py) failed on this contract: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        step = inject_metadata_function(step)
    final = src / plan.contract.name
    final.write_text(step.read_text(encoding="utf-8"), encoding="utf-8")
    staged_plan = dataclasses.replace(
        plan, contract=final, local_modules={t: src / t for t in plan.local_modules},
        packages=packages, near_safe_root=ns_root)
    return final, staged_plan


def _build_locked(plan, snap: Snapshot, key, toolchain: Toolchain, prog: Progress,
                  cached: Path, manifest_copy: Path) -> bytes:
    """The real build of the snapshot; the caller holds the toolchain lock.  Returns the
    Wasm's bytes (also stored in the cache with its record)."""
    work = cache_root() / "work" / key
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    t0 = time.monotonic()
    prog.stage("staging sources and injecting exports/ABI/metadata (nearc)")
    staged, staged_plan = _stage_sources(plan, snap, work)
    exports = sorted(set(plan.exports) | _analyze.NEARC_INJECTED_EXPORTS)
    manifest = _manifest.write_manifest(work / "manifest.py", staged_plan, staged)
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

    data = out.read_bytes()
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(cached.name + f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    shutil.copyfile(manifest, manifest_copy)
    seconds = time.monotonic() - t0
    info = {
        "key": key,
        "wasm_sha256": _wasm_digest(data),
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
    info_path = cached.with_suffix(".json")
    info_tmp = info_path.with_name(info_path.name + f".tmp{os.getpid()}")
    info_tmp.write_text(json.dumps(info, indent=2) + "\n")
    os.replace(info_tmp, info_path)
    os.replace(tmp, cached)  # last: a cached .wasm always has its .json and manifest
    with open(cache_root() / "builds.log", "a") as fh:
        fh.write(f"{info['built_at']} {key} {seconds:.1f}s {plan.contract}\n")
    shutil.rmtree(work, ignore_errors=True)
    prune()
    return data


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
        for suffix in (".wasm", ".json", ".manifest.py", ".callback_gas"):
            wasm.with_suffix(suffix).unlink(missing_ok=True)
        removed += 1
    for index in wasm_dir.glob("*.sources") if wasm_dir.is_dir() else ():
        with contextlib.suppress(OSError):
            if not (wasm_dir / f"{index.read_text().strip()}.wasm").is_file():
                index.unlink()
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
