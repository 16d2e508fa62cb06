"""Compile near-sdk-py contracts to Wasm through nearc 0.8.8 (CPython only).

One shared, warmed MicroPython build per toolchain and a content-addressed Wasm cache make
an unchanged contract free (no toolchain run) and a new contract cost only the freeze and link
(see ``_build.py`` for the cache layout).  ``near-safe build`` is the command-line face.

Public API::

    build_contract(source_path, output=None, *, progress=None, rebuild=False) -> Path
    build(source_path, output=None, *, progress=None, rebuild=False) -> BuildResult
    warm(*, progress=None, rebuild=False) -> BuildResult
    cache_root() -> Path
"""

from ._build import BuildResult, build, build_contract, build_count, cache_key
from ._toolchain import cache_root
from ._warm import warm

__all__ = sorted(["BuildResult", "build", "build_contract", "build_count", "cache_key",
                  "cache_root", "warm"])
