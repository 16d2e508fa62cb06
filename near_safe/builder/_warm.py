"""Warm the shared toolchain once (CI calls this before the tests): build mpy-cross, the
MicroPython port objects and the frozen stdlib, by building a small contract that imports
near_safe and near_sdk_py, so later contracts only freeze their own modules and link."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ._build import BuildResult, build
from ._toolchain import Toolchain

WARM_CONTRACT = '''"""near_safe.builder warm-up contract (built once to warm the shared toolchain)."""
import near_safe
from near_sdk_py import view


@view
def warm_up():
    return "warm"
'''


def warm(*, progress=None, rebuild: bool = False) -> BuildResult:
    """Build the warm-up contract.  ``rebuild=True`` throws the shared build folder away
    first (a cold, full toolchain build: ~110 s on 2 cores)."""
    if rebuild:
        toolchain = Toolchain()
        with toolchain.locked():
            toolchain.reset()
    with tempfile.TemporaryDirectory(prefix="near_safe_warm_") as tmp:
        contract = Path(tmp) / "near_safe_warm.py"
        contract.write_text(WARM_CONTRACT)
        return build(contract, progress=progress, rebuild=rebuild)
