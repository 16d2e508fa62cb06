"""Shared fixtures of the builder tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CONTRACTS = Path(__file__).parent / "contracts"


@pytest.fixture
def contracts():
    return CONTRACTS


def run_cli(*args, env=None, cwd=None):
    """The real CLI in a subprocess: (exit code, stdout, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "near_safe.cli", "build", *map(str, args)],
        capture_output=True, text=True, env=env or dict(os.environ), cwd=cwd, timeout=600, check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def cli():
    return run_cli
