"""Deploy the pool and the vault once per runtime mode; the near_safe pytest plugin restores a
snapshot after every test, so tests never see each other's changes."""

from pathlib import Path

import pytest

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"


@pytest.fixture(scope="module")
def pool(near_deploy):
    return near_deploy(CONTRACTS / "pool.py")


@pytest.fixture(scope="module")
def vault(near_deploy, pool):
    return near_deploy(CONTRACTS / "{{ cookiecutter.__module }}.py", init="new",
                       init_args={"pool": pool.id})
