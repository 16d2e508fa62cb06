"""Fixtures for the runtime tests: a fresh Wasm-mode runtime per test (Runtime() is cheap)
and two funded users.  Helpers: rtwat.py (WAT contracts), rtfees.py (spec fee arithmetic)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from near_safe.testing import NEAR, Runtime  # noqa: E402


@pytest.fixture
def rt():
    return Runtime(mode="wasm")


@pytest.fixture
def alice(rt):
    return rt.create_account("alice.near", balance=100 * NEAR)


@pytest.fixture
def bob(rt):
    return rt.create_account("bob.near", balance=100 * NEAR)
