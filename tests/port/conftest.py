"""Fixtures of the port tests: contracts built with near_safe's patched MicroPython (the
default) and, for the "ran into it before" side, with plain nearc's port (patches=False)."""

from pathlib import Path

import pytest

from near_safe.builder import build
from near_safe.testing import NEAR, Runtime

CONTRACTS = Path(__file__).parent / "contracts"


def contract(name: str) -> Path:
    return CONTRACTS / name


def plain_nearc_wasm(name: str) -> Path:
    """The contract built with nearc's unpatched port (what plain nearc produces)."""
    return build(CONTRACTS / name, progress=False, patches=False).wasm


def deploy(rt: Runtime, account: str, name: str, patches: bool = True):
    """Deploy test contract ``name``: patched port (wasm mode) or its source (python mode);
    ``patches=False``: plain nearc's Wasm."""
    code = CONTRACTS / name if patches else plain_nearc_wasm(name)
    return rt.deploy(account, code, balance=10 * NEAR)


@pytest.fixture(params=["wasm", "python"])
def rt(request):
    return Runtime(mode=request.param)


@pytest.fixture
def wasm_rt():
    return Runtime(mode="wasm")
