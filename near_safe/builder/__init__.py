"""Compile near-sdk-py contracts to Wasm through nearc 0.8.8 (CPython only).

One shared, warmed MicroPython build per toolchain and a content-addressed Wasm cache make
an unchanged contract free (no toolchain run) and a new contract cost only the freeze and link
(see ``_build.py`` for the cache layout).  ``near-safe build`` is the command-line face.

Public API::

    build_contract(source_path, output=None, *, progress=None, rebuild=False, patches=True)
        -> Path: the cached Wasm's path (or ``output``'s, when given: a file, or a folder that
        gets ``<stem>.wasm``)
    build(source_path, output=None, *, progress=None, rebuild=False, patches=True)
        -> BuildResult: the same, with key, cached flag, exports, manifest path and timing
    ``patches=False`` builds plain nearc's MicroPython port instead of near_safe's patched one
    (docs/micropython.md: what the patches fix)
    warm(*, progress=None, rebuild=False) -> BuildResult
        warm the shared toolchain (``near-safe build --warm``); ``rebuild`` starts it cold
    cache_root() -> Path             ``$NEAR_SAFE_CACHE`` or ``~/.cache/near_safe``
    cache_key(plan, emcc) -> str     content hash of every build input
    build_count(key=None) -> int     real builds recorded in the cache's builds.log
    prune(max_wasm=300) -> int       bound the cache (run after every real build)

``progress``: None/True print stages with elapsed times on stderr, False is quiet, a callable
receives each line.  Every bad input raises :class:`near_safe.errors.BuildError` naming the
problem and the fix (the CLI exits 2): missing emcc or contract, syntax errors (file:line:col,
before the toolchain runs), imports that cannot be frozen, no exported method, toolchain
failures (with the tail of the compiler output).

What is frozen: the contract, the local modules it imports (transitively; never other files of
its folder), installed pure-Python packages it imports (near_sdk_py, ...), nearc's default
micropython-lib stdlib and typing stubs, and - if imported - ``near_safe/_root.py`` (as
``near_safe/__init__.py``) and ``near_safe/contract/*.py`` only: the rest of near_safe is CPython-only.
"""

from ._build import BuildResult, build, build_contract, build_count, cache_key, prune
from ._cpython import selected_compiler
from ._progress import set_progress_sink
from ._toolchain import cache_root
from ._warm import warm

__all__ = ["BuildResult", "build", "build_contract", "build_count", "cache_key", "cache_root",
           "prune", "selected_compiler", "set_progress_sink", "warm"]
