"""The pytest plugin, end to end: a user project run in a child pytest process (the plugin is
loaded through the installed ``pytest11`` entry point, as for any user)."""

import os
import subprocess
import sys
import textwrap

COUNTER = '''
from near_sdk_py import Contract, call, view


class Counter(Contract):
    @call
    def increment(self):
        n = self.storage.get("n", 0) + 1
        self.storage["n"] = n
        return n

    @view
    def get(self):
        return self.storage.get("n", 0)
'''

CONFTEST = '''
import pytest
from near_safe.testing import NEAR


@pytest.fixture(scope="session")
def counter(near_deploy):
    return near_deploy("contracts/counter.py", account_id="counter.test.near")
'''

TESTS = '''
import pytest


def test_a_writes(counter, alice, near_mode):
    assert alice.call(counter, "increment").value == 1
    assert alice.call(counter, "increment").value == 2


def test_b_sees_a_fresh_state(counter, runtime, near_mode):
    # test_a's two increments were rolled back by the plugin's snapshot
    assert runtime.view(counter, "get") == 0


def test_c_accounts_made_in_a_test_do_not_leak(near_account, runtime):
    near_account("temp.test.near")
    assert runtime.exists("temp.test.near")


def test_d_previous_test_account_is_gone(runtime):
    assert not runtime.exists("temp.test.near")


@pytest.mark.near_mode("python")
def test_e_only_in_python_mode(near_mode, runtime):
    assert near_mode == "python" and runtime.mode == "python"
'''


def _run(tmp_path, *args):
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "counter.py").write_text(textwrap.dedent(COUNTER))
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_user.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(tmp_path), *args, "test_user.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )


def test_isolation_and_both_modes(tmp_path):
    result = _run(tmp_path, "--near-mode=both")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    for mode in ("wasm", "python"):
        assert f"test_a_writes[{mode}] PASSED" in out, out[-4000:]
        assert f"test_b_sees_a_fresh_state[{mode}] PASSED" in out, out[-4000:]
    assert "test_e_only_in_python_mode[python] PASSED" in out
    assert "test_e_only_in_python_mode[wasm]" not in out
    assert "9 passed" in out


def test_isolation_catches_a_leak_when_disabled(tmp_path):
    """The isolation is what makes test_b pass: with the autouse fixture overridden by a no-op,
    test_b sees test_a's writes and fails (so the passing run above is not vacuous)."""
    (tmp_path / "extra").mkdir()
    result_dir = tmp_path / "extra"
    conftest_extra = CONFTEST + '''

@pytest.fixture(autouse=True)
def _near_isolation():
    yield
'''
    (result_dir / "contracts").mkdir()
    (result_dir / "contracts" / "counter.py").write_text(textwrap.dedent(COUNTER))
    (result_dir / "conftest.py").write_text(conftest_extra)
    (result_dir / "test_user.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(result_dir), "test_user.py", "-k", "test_a or test_b"],
        cwd=result_dir, env=env, capture_output=True, text=True, timeout=600,
    )
    out = result.stdout + result.stderr
    assert "test_b_sees_a_fresh_state[wasm] FAILED" in out, out[-4000:]


def test_marker_selects_modes_and_ini_sets_the_default(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\nnear_mode = python\n")
    (tmp_path / "test_modes.py").write_text(
        "import pytest\n\n"
        "def test_default(near_mode):\n    assert near_mode == 'python'\n\n"
        "@pytest.mark.near_mode('wasm', 'python')\n"
        "def test_both(near_mode):\n    pass\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *a, "test_modes.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = run().stdout
    assert "test_default[python] PASSED" in out and "test_both[wasm] PASSED" in out
    assert "test_both[python] PASSED" in out, out
    narrowed = run("--near-mode=python").stdout
    assert "test_both[python] PASSED" in narrowed and "test_both[wasm]" not in narrowed


def test_bad_mode_marker_is_a_usage_error(tmp_path):
    (tmp_path / "test_bad.py").write_text(
        "import pytest\n\n@pytest.mark.near_mode('evm')\ndef test_x(near_mode):\n    pass\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(tmp_path), "test_bad.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "near_mode" in result.stdout + result.stderr and "evm" in result.stdout + result.stderr
