"""The one setting, end to end: a near-pytest suite run in a separate pytest process with
``-p near_safe.compat.plugin`` (or ``PYTEST_PLUGINS=near_safe.compat.plugin``) passes without
ever reaching for the neard sandbox; without the setting, or with ``--near-backend=sandbox``,
the same run does reach for it (which shows the tripwire would catch a leak)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from near_safe.builder import cache_root

HERE = Path(__file__).resolve().parent
SUITE_FILE = HERE / "suite" / "test_counter.py"


# A user conftest that binds near-pytest's SandboxManager at import time for a fixture of its
# own: the switch must already be in place when conftests are imported.
USER_CONFTEST = '''
import pytest
from near_pytest import SandboxManager


@pytest.fixture(scope="session")
def own_sandbox():
    sandbox = SandboxManager()
    sandbox.start()
    yield sandbox
    sandbox.stop()
'''

USER_TEST = '''
def test_own_sandbox_fixture_runs(own_sandbox):
    assert own_sandbox.is_running()
'''


def run_child(tmp_path, *args, env_extra=None):
    """Run pytest on a copy of the user suite in a fresh process; returns (result, attempts)."""
    work = tmp_path / "project"
    (work / "suite").mkdir(parents=True)
    shutil.copytree(HERE / "contracts", work / "contracts")
    shutil.copy(SUITE_FILE, work / "suite" / SUITE_FILE.name)
    (work / "conftest.py").write_text(USER_CONFTEST)
    (work / "suite" / "test_own_fixture.py").write_text(USER_TEST)
    home = tmp_path / "home"
    home.mkdir()
    log = tmp_path / "tripwire.log"
    log.touch()
    env = dict(os.environ)
    for name in ("PYTEST_PLUGINS", "NEAR_SAFE_BACKEND", "NEAR_SAFE_MODE", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    env.update({
        "HOME": str(home),  # near-pytest would put the downloaded binary under ~/.near-pytest
        "NEAR_SAFE_CACHE": str(cache_root()),  # keep the warmed toolchain and Wasm cache
        "NEAR_TRIPWIRE_LOG": str(log),
        "PYTHONPATH": os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]),
    })
    env.update(env_extra or {})
    cmd = [sys.executable, "-m", "pytest", "-p", "tripwire", "-p", "no:cacheprovider",
           "--rootdir", str(work), "-c", os.devnull, *args, "suite"]
    result = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, check=False,
                            timeout=600)
    attempts = log.read_text().splitlines()
    return result, attempts, home


def _summary(result):
    return result.stdout[-3000:] + result.stderr[-2000:]


def test_plugin_option_runs_the_suite_offline_without_touching_the_sandbox(tmp_path):
    result, attempts, home = run_child(tmp_path, "-p", "near_safe.compat.plugin")
    assert result.returncode == 0, _summary(result)
    assert "near-pytest backend: embedded" in result.stdout
    assert " passed" in result.stdout and "failed" not in result.stdout
    assert "test_own_fixture.py ." in result.stdout
    assert attempts == []
    assert not (home / ".near-pytest").exists()


def test_environment_variable_alone_switches_the_backend(tmp_path):
    result, attempts, home = run_child(
        tmp_path, env_extra={"PYTEST_PLUGINS": "near_safe.compat.plugin"})
    assert result.returncode == 0, _summary(result)
    assert "near-pytest backend: embedded" in result.stdout
    assert attempts == []
    assert not (home / ".near-pytest").exists()


def test_near_safe_backend_embedded_alone_switches_through_the_main_plugin(tmp_path):
    """NEAR_SAFE_BACKEND=embedded needs no -p: near_safe's always-loaded pytest11 plugin
    loads the compat plugin when it sees the variable."""
    result, attempts, home = run_child(tmp_path, env_extra={"NEAR_SAFE_BACKEND": "embedded"})
    assert result.returncode == 0, _summary(result)
    assert "near-pytest backend: embedded" in result.stdout
    assert attempts == []
    assert not (home / ".near-pytest").exists()


def test_without_the_setting_near_pytest_reaches_for_the_sandbox(tmp_path):
    result, attempts, _ = run_child(tmp_path, "-x")
    assert result.returncode != 0
    assert "which near-sandbox" in attempts, attempts


@pytest.mark.parametrize("how", ["option", "env"])
def test_sandbox_backend_can_be_forced_with_the_plugin_loaded(tmp_path, how):
    if how == "option":
        result, attempts, _ = run_child(tmp_path, "-x", "-p", "near_safe.compat.plugin",
                                        "--near-backend=sandbox")
    else:
        result, attempts, _ = run_child(tmp_path, "-x", "-p", "near_safe.compat.plugin",
                                        env_extra={"NEAR_SAFE_BACKEND": "sandbox"})
    assert "near-pytest backend: sandbox (neard)" in result.stdout
    assert result.returncode != 0
    assert "which near-sandbox" in attempts, attempts
