"""The shared, warmed MicroPython build folder and the tools around it (CPython only).

The port is near_safe's PATCHED MicroPython by default: nearc's MicroPython tree is staged
(copied) into the toolchain folder and the unified diffs in ``near_safe/builder/patches/`` are
applied to it (``patch -p1``, in file-name order).  The patches' content hash is part of
:func:`toolchain_id`, so a changed patch gets a fresh toolchain folder and changes every Wasm
cache key.  ``patches=False`` (``build(..., patches=False)``) builds plain nearc's port straight
from nearc's installed tree, in its own toolchain folder: the way to show what a contract built
by plain nearc does.  See docs/micropython.md.

nearc keeps its MicroPython build in ``<contract folder>/build``: ~110 s on 2 cores the first
time (mpy-cross, then the webassembly-near port objects), 6-15 s afterwards.  We keep ONE build
folder per toolchain (nearc version + emcc version) in the cache directory and reuse it for every
contract.  That is sound because everything contract-specific is either outside it (manifest,
export wrappers and their object, the output Wasm live in a per-build work folder) or is
regenerated on every build: ``frozen_content.c`` is deleted first (platform.md), and the frozen
``.mpy`` of a contract's own modules are recompiled because makemanifest recompiles a source
whose mtime is not older than its ``.mpy`` and we stage fresh copies of those sources.

Several processes may build at once (pytest in several workers): the folder is guarded by an
exclusive ``fcntl.flock`` held for the whole build.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections import deque
from functools import lru_cache
from pathlib import Path

from .._facts import cache_root  # ``$NEAR_SAFE_CACHE`` or ``~/.cache/near_safe``
from ..errors import BuildError

INSTALL_EMSCRIPTEN = "install emscripten: apt-get install -y emscripten"

# Bump when the way we drive the toolchain changes (invalidates toolchain folders and Wasm keys).
BUILDER_FORMAT = "1"


def nearc_assets() -> Path:
    """nearc's package folder (``assets_dir`` in nearc.builder.compile_contract)."""
    import importlib.util

    spec = importlib.util.find_spec("nearc")
    if spec is None or not spec.submodule_search_locations:
        raise BuildError("nearc is not installed: pip install 'near-safe[build]' (nearc==0.8.8)")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def nearc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nearc")
    except PackageNotFoundError:
        raise BuildError(
            "nearc is not installed: pip install 'near-safe[build]' (nearc==0.8.8)"
        ) from None


def find_emcc() -> Path:
    emcc = shutil.which("emcc")
    if emcc is None:
        raise BuildError(f"emcc (the emscripten compiler) was not found on PATH: {INSTALL_EMSCRIPTEN}")
    if shutil.which("make") is None:
        raise BuildError("make was not found on PATH: install it: apt-get install -y make")
    return Path(emcc)


@lru_cache(maxsize=4)
def emcc_version(emcc: Path) -> str:
    """The emscripten version, cheaply: Debian's emcc is a symlink into the emscripten folder,
    which holds emscripten-version.txt; otherwise ask ``emcc --version`` (about 0.2 s)."""
    version_file = Path(os.path.realpath(emcc)).parent / "emscripten-version.txt"
    if version_file.is_file():
        return version_file.read_text().strip().strip('"')
    try:
        out = subprocess.run([str(emcc), "--version"], capture_output=True, text=True, timeout=60,
                             check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"emcc at {emcc} does not run ({exc}): {INSTALL_EMSCRIPTEN}") from None
    if out.returncode != 0:
        raise BuildError(f"emcc at {emcc} fails to run: {out.stderr.strip()[-500:]}: {INSTALL_EMSCRIPTEN}")
    return out.stdout.splitlines()[0].strip() if out.stdout else "unknown"


PATCHES_DIR = Path(__file__).parent / "patches"

# nearc's MicroPython tree minus what the webassembly-near build never reads (docs, tests,
# other ports, ...): staging copies the rest (~25 MB, a few seconds, once per toolchain).
_STAGE_SKIP_TOP = {"docs", "tests", "logo", "examples", "drivers"}
_STAGE_KEEP_PORTS = {"webassembly", "webassembly-near"}


def port_patches(patches=True) -> list[Path]:
    """near_safe's patches to nearc's MicroPython, in the order they are applied.

    ``patches``: True (all), False (none: plain nearc's port) or, for bench/bench_port.py's
    cost of each patch, a tuple of patch file names (a subset, still applied in name order)."""
    every = sorted(PATCHES_DIR.glob("*.patch"))
    if patches is True:
        return every
    if not patches:
        return []
    unknown = set(patches) - {p.name for p in every}
    if unknown:
        raise BuildError(f"unknown port patch(es) {sorted(unknown)}: the patches are "
                         f"{[p.name for p in every]} (near_safe/builder/patches/)")
    return [p for p in every if p.name in set(patches)]


def patches_digest(patches=True) -> str:
    """Content hash of the patch set (names and bytes)."""
    h = hashlib.sha256()
    for patch in port_patches(patches):
        data = patch.read_bytes()
        h.update(patch.name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def toolchain_id(emcc: Path, patches=True) -> str:
    """Names the shared build folder: a change of nearc, emscripten or of near_safe's port
    patches gets a fresh one.  The unpatched port (``patches=False``) keeps the id builds had
    before the port was patched."""
    text = f"{BUILDER_FORMAT}|nearc {nearc_version()}|emcc {emcc_version(emcc)}"
    if port_patches(patches):
        text += f"|patches {patches_digest(patches)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Toolchain:
    """The shared build folder of one toolchain, and the make invocations on it."""

    def __init__(self, emcc: Path | None = None, root: Path | None = None, patches=True):
        self.emcc = emcc or find_emcc()
        self.patch_files = port_patches(patches)
        self.patches = bool(self.patch_files)
        self.root = (root or cache_root()) / "toolchain" / toolchain_id(self.emcc, patches)
        self.build_dir = self.root / "build"
        self.lock_path = self.root / "lock"
        self.assets = nearc_assets()
        # patched: a staged copy of nearc's tree (see stage()); unpatched: nearc's own tree
        self.micropython = (self.root / "micropython" if self.patches
                            else self.assets / "micropython")
        self.mpy_cross_dir = self.micropython / "mpy-cross"
        self.port_dir = self.micropython / "ports" / "webassembly-near"
        self.mpy_cross = self.build_dir / "mpy-cross" / "mpy-cross"

    def stage(self, progress=None) -> None:
        """Copy nearc's MicroPython tree into the toolchain folder and apply near_safe's
        patches (once per toolchain; the caller holds the lock).  Nothing to do unpatched."""
        if not self.patches or (self.root / "staged").is_file():
            return
        if progress is not None:
            progress.stage("staging nearc's MicroPython and applying near_safe's port patches")
        if shutil.which("patch") is None:
            raise BuildError("the `patch` tool was not found on PATH (near_safe patches "
                             "nearc's MicroPython): install it: apt-get install -y patch")
        src = self.assets / "micropython"
        tmp = self.root / "micropython.tmp"
        shutil.rmtree(tmp, ignore_errors=True)

        def ignore(folder: str, names: list[str]) -> set[str]:
            here = Path(folder)
            if here == src:
                return {n for n in names if n in _STAGE_SKIP_TOP}
            if here == src / "ports":
                return {n for n in names if n not in _STAGE_KEEP_PORTS}
            return {n for n in names if n == "__pycache__"}

        shutil.copytree(src, tmp, ignore=ignore, symlinks=True)
        for patch in self.patch_files:
            out = subprocess.run(
                ["patch", "-p1", "--forward", "--batch", "--no-backup-if-mismatch",
                 "-d", str(tmp), "-i", str(patch)],
                capture_output=True, text=True, check=False)
            if out.returncode != 0:
                shutil.rmtree(tmp, ignore_errors=True)
                raise BuildError(
                    f"near_safe's port patch {patch.name} does not apply to nearc "
                    f"{nearc_version()}'s MicroPython ({src}):\n{out.stdout}{out.stderr}"
                    "use the nearc version near_safe supports (pip install 'nearc==0.8.8'), "
                    "or build the unpatched port: build(..., patches=False)")
        shutil.rmtree(self.micropython, ignore_errors=True)
        os.replace(tmp, self.micropython)
        (self.root / "staged").write_text(
            "".join(f"{p.name}\n" for p in self.patch_files))

    @contextlib.contextmanager
    def locked(self, progress=None):
        """Exclusive use of the shared build folder (blocks while another process builds)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if progress is not None:
                    progress.say("waiting for another build to release the toolchain lock")
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield self
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @property
    def is_warm(self) -> bool:
        """mpy-cross built and the port's objects compiled (a link has succeeded)."""
        return (self.root / "warm").is_file()

    def mark_warm(self) -> None:
        (self.root / "warm").write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def jobs(self) -> int:
        return max(1, os.cpu_count() or 1)

    def build_mpy_cross(self, progress) -> None:
        self.stage(progress)
        if self.mpy_cross.is_file():
            return
        progress.stage("building the MicroPython cross-compiler (once per toolchain, 10-30 s)")
        (self.build_dir / "mpy-cross").mkdir(parents=True, exist_ok=True)
        self._make(
            ["-C", str(self.mpy_cross_dir), f"BUILD={self.build_dir / 'mpy-cross'}"],
            progress,
            log=self.root / "mpy-cross.log",
            what="building mpy-cross (MicroPython's cross-compiler)",
        )

    def forget_frozen(self, targets: list[str]) -> None:
        """Delete the cached ``.mpy`` of these frozen targets (``pkg/mod.py`` or a package
        name ending in ``/``).  makemanifest reuses a ``.mpy`` newer than its source, which is
        wrong when the same target comes from another file (another contract's ``helper.py``,
        near_sdk_py from another venv); so every file that is not part of the toolchain itself
        is recompiled each build (mpy-cross is fast: well under a second for all of them)."""
        frozen_mpy = self.build_dir / "frozen_mpy"
        for target in targets:
            if target.endswith("/"):
                shutil.rmtree(frozen_mpy / target, ignore_errors=True)
            else:
                (frozen_mpy / (target[:-3] + ".mpy")).unlink(missing_ok=True)

    def build_wasm(self, manifest: Path, wrappers: Path, exports: list[str], output: Path,
                   progress, log: Path) -> None:
        """Freeze the manifest's modules and link the Wasm, reusing the warmed objects."""
        frozen = self.build_dir / "frozen_content.c"
        if frozen.exists():
            frozen.unlink()  # forces makemanifest to regenerate it for this contract
        if self.is_warm:
            progress.stage("freezing modules (mpy-cross)")
        else:
            progress.stage("compiling the MicroPython port (once per toolchain, 30-120 s on 2 cores)")

        def on_line(line: str) -> None:
            # make's quiet output names each step: "MPY x.py", "CC .../frozen_content.c", "LINK"
            if line.startswith("CC ") and line.rstrip().endswith("frozen_content.c"):
                progress.stage("compiling the frozen modules (emcc)")
            elif line.startswith("LINK "):
                progress.stage("linking the Wasm (emcc)")
        self._make(
            [
                "-C", str(self.port_dir),
                f"BUILD={self.build_dir}",
                f"MICROPY_MPYCROSS={self.mpy_cross}",
                f"MICROPY_MPYCROSS_DEPENDENCY={self.mpy_cross}",
                f"FROZEN_MANIFEST={manifest}",
                f"SRC_C_GENERATED={wrappers}",
                "EXPORTED_FUNCTIONS=" + ",".join("_" + e for e in sorted(exports)),
                f"OUTPUT_WASM={output}",
            ],
            progress,
            log=log,
            what="compiling the contract's Wasm",
            on_line=on_line,
        )
        if not output.is_file():
            raise BuildError(f"the toolchain finished but wrote no Wasm at {output}; see {log}")
        if not self.is_warm:
            self.mark_warm()

    def _make(self, args: list[str], progress, log: Path, what: str, on_line=None) -> None:
        """Run make with -j, output to ``log``; on failure raise BuildError with its tail."""
        cmd = ["make", f"-j{self.jobs()}", *args]
        log.parent.mkdir(parents=True, exist_ok=True)
        tail: deque[str] = deque(maxlen=25)
        last_beat = time.monotonic()
        env = dict(os.environ)
        env.setdefault("PYTHON", sys.executable)
        with open(log, "w") as fh:
            fh.write("$ " + " ".join(cmd) + "\n")
            fh.flush()
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, errors="replace", env=env)
            assert proc.stdout is not None
            for line in proc.stdout:
                fh.write(line)
                tail.append(line.rstrip("\n"))
                if on_line is not None:
                    on_line(line)
                now = time.monotonic()
                if now - last_beat >= 15:
                    last_beat = now
                    progress.heartbeat("still running")
            code = proc.wait()
        if code != 0:
            shown = "\n".join("    " + t for t in tail)
            rejected = [t.split("error compiling ", 1)[1].rstrip(":") for t in tail
                        if "error compiling " in t]
            clashes = sorted({t.split("duplicate symbol: ", 1)[1].split()[0] for t in tail
                              if "duplicate symbol: " in t})
            if clashes:
                fix = (f"exported method name(s) {', '.join(clashes)} clash with C symbols of "
                       "the MicroPython runtime (nearc turns every export into a C function of "
                       "that name): rename the method(s)")
            elif rejected:
                fix = (f"MicroPython's compiler (mpy-cross) rejected {rejected[-1]}: MicroPython "
                       "lacks some newer Python syntax (parenthesized multi-item `with`, for "
                       "example) and this mpy-cross crashes instead of saying where: rewrite "
                       "such constructs in that file")
            else:
                fix = ("fix the error shown above; if the toolchain itself is broken, rebuild "
                       "it with `near-safe build --warm --rebuild`")
            raise BuildError(
                f"toolchain failure while {what} (make exit code {code}); last lines of the "
                f"compiler output (full log: {log}):\n{shown}\n{fix}"
            )

    def reset(self) -> None:
        """Throw the shared build folder away (next build is a cold one)."""
        if self.build_dir.exists():
            shutil.rmtree(self.build_dir)
        (self.root / "warm").unlink(missing_ok=True)
        if self.patches:  # staged again (fresh copy, patches re-applied) by the next build
            (self.root / "staged").unlink(missing_ok=True)
            shutil.rmtree(self.micropython, ignore_errors=True)
