"""Warm the shared toolchain once (CI calls this before the tests): build mpy-cross, the
MicroPython port objects and the frozen stdlib by building a small near-sdk-py contract, so
later contracts only freeze their own modules and link."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ._build import BuildResult, build
from ._toolchain import Toolchain

# It imports near_sdk_py but not near_safe: its cache key then changes only with the toolchain
# and near-sdk-py, so `near-safe build --warm` on a warm machine is a cache hit (near_safe's
# own frozen modules are recompiled in every build anyway, see Toolchain.forget_frozen).
WARM_CONTRACT = '''"""near_safe.builder warm-up contract (built once to warm the shared toolchain)."""
from near_sdk_py import view


@view
def warm_up():
    return "warm"
'''


def warm(*, progress=None, rebuild: bool = False) -> BuildResult:
    """Build the warm-up contract.  ``rebuild=True`` throws the shared build folder away
    first (a cold, full toolchain build: ~110 s on 2 cores)."""
    toolchain = Toolchain()
    if rebuild:
        with toolchain.locked():
            toolchain.reset()
    # A cached warm-up Wasm does not prove the build folder is still there: build it again
    # whenever the folder is not marked warm.
    rebuild = rebuild or not toolchain.is_warm
    with tempfile.TemporaryDirectory(prefix="near_safe_warm_") as tmp:
        contract = Path(tmp) / "near_safe_warm.py"
        contract.write_text(WARM_CONTRACT)
        return build(contract, progress=progress, rebuild=rebuild)
