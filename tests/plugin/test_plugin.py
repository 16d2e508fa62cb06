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


SHARED_MODULE = '''
import pytest


def test_a_writes(counter, alice):
    assert alice.call(counter, "increment").value == 1


@pytest.mark.near_shared_state
def test_b_shares_state(counter, alice):
    assert alice.call(counter, "increment").value == 1   # test_a's write was rolled back
    assert alice.call(counter, "increment").value == 2


def test_c_sees_b_writes(counter, alice, runtime):
    assert runtime.view(counter, "get") == 2   # b is marked: no restore after it
    alice.call(counter, "increment")           # c is not marked: rolled back after it


def test_d_c_writes_were_rolled_back(counter, runtime):
    assert runtime.view(counter, "get") == 2
'''

SHARED_NEXT_MODULE = '''
def test_next_module_is_fresh(counter, runtime):
    assert runtime.view(counter, "get") == 0   # shared state ends with its module
'''

WHOLE_MODULE_SHARED = '''
import pytest

pytestmark = pytest.mark.near_shared_state


def test_a_writes(counter, alice):
    assert alice.call(counter, "increment").value == 1


def test_b_builds_on_a(counter, alice):
    assert alice.call(counter, "increment").value == 2
'''


def test_shared_state_marker_keeps_a_test_writes_within_its_module(tmp_path):
    """``@pytest.mark.near_shared_state``: no restore after that test; its writes are seen by
    the next tests of the module and rolled back when the module ends.  Without the marker the
    same sequence fails (test_b_builds_on_a): the per-test isolation is not vacuous."""
    project = _project(tmp_path, {"conftest.py": CONFTEST, "test_shared.py": SHARED_MODULE,
                                  "test_whole.py": WHOLE_MODULE_SHARED,
                                  "test_zz_next.py": SHARED_NEXT_MODULE})
    result, out = _child(project, "--near-mode=both",
                         files=("test_shared.py", "test_whole.py", "test_zz_next.py"))
    assert result.returncode == 0, out[-6000:]
    assert "14 passed" in out, out[-3000:]
    unmarked = project / "test_unmarked.py"
    unmarked.write_text(textwrap.dedent(WHOLE_MODULE_SHARED).replace(
        "pytestmark = pytest.mark.near_shared_state", ""))
    result, out = _child(project, files=("test_unmarked.py",))
    assert "test_unmarked.py::test_b_builds_on_a[wasm] FAILED" in out, out[-4000:]
    assert "assert 1 == 2" in out, out[-4000:]


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


def _child(project, *args, files=(), timeout=600):
    """Run pytest in ``project`` (a user project: conftest + test files) in a child process."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(project), *args, *files],
        cwd=project, env=env, capture_output=True, text=True, timeout=timeout,
    )
    return result, result.stdout + result.stderr


def _project(tmp_path, files):
    (tmp_path / "contracts").mkdir(exist_ok=True)
    (tmp_path / "contracts" / "counter.py").write_text(textwrap.dedent(COUNTER))
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


SCOPED_CONFTEST = CONFTEST + '''

@pytest.fixture(scope="session")
def late(near_deploy):
    """A session fixture first set up in the middle of module A (its 2nd test)."""
    return near_deploy("contracts/counter.py", account_id="late.test.near")
'''

MODULE_A = '''
import pytest


@pytest.fixture(scope="module")
def leaky(near_deploy, alice):
    c = near_deploy("contracts/counter.py", account_id="leaky.test.near")
    alice.call(c, "increment")
    return c


def test_a1_module_fixture_is_seen(leaky, runtime, alice):
    assert runtime.view(leaky, "get") == 1
    alice.call(leaky, "increment")


def test_a2_module_state_is_kept_but_test_writes_are_not(leaky, runtime, late):
    assert runtime.view(leaky, "get") == 1   # a1's increment rolled back, the fixture's kept
    assert runtime.exists("late.test.near")


class TestScoped:
    @pytest.fixture(scope="class")
    def klass(self, near_deploy):
        return near_deploy("contracts/counter.py", account_id="klass.test.near")

    def test_class_fixture_seen(self, klass, leaky, runtime):
        assert runtime.exists("klass.test.near") and runtime.exists("leaky.test.near")


def test_a3_class_fixture_is_gone_after_its_class(runtime):
    assert not runtime.exists("klass.test.near")
    assert runtime.exists("leaky.test.near")
'''

MODULE_B = '''
def test_b1_module_a_deployment_is_gone(runtime, alice):
    assert not runtime.exists("leaky.test.near")
    assert runtime.exists("alice.test.near")


def test_b2_session_fixture_first_set_up_in_module_a_still_works(late, runtime, alice):
    assert runtime.exists("late.test.near")
    assert alice.call(late, "increment").value == 1
'''


PACKAGE_CONFTEST = '''
import pytest


@pytest.fixture(scope="package")
def pkg_counter(near_deploy):
    return near_deploy("contracts/counter.py", account_id="pkg.test.near")
'''

PACKAGE_MODULE = '''
def test_package_fixture_seen(pkg_counter, runtime):
    assert runtime.exists("pkg.test.near")
'''

AFTER_PACKAGE = '''
def test_package_deployment_is_gone(runtime):
    assert not runtime.exists("pkg.test.near")
'''


def test_module_and_class_fixture_deployments_do_not_leak(tmp_path):
    """A deployment made in a module- (class-, package-) scoped fixture is visible to that
    module's tests and gone in the next module (issue 13)."""
    project = _project(tmp_path, {"conftest.py": SCOPED_CONFTEST, "test_a.py": MODULE_A,
                                  "test_b.py": MODULE_B, "test_zz_after_pkg.py": AFTER_PACKAGE})
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "conftest.py").write_text(PACKAGE_CONFTEST)
    (project / "pkg" / "test_p1.py").write_text(PACKAGE_MODULE)
    (project / "pkg" / "test_p2.py").write_text(PACKAGE_MODULE)
    result, out = _child(project, "--near-mode=both", files=(
        "test_a.py", "test_b.py", "pkg", "test_zz_after_pkg.py"))
    assert result.returncode == 0, out[-6000:]
    for mode in ("wasm", "python"):
        assert f"test_package_deployment_is_gone[{mode}] PASSED" in out, out[-6000:]
        assert f"pkg/test_p2.py::test_package_fixture_seen[{mode}] PASSED" in out, out[-6000:]
    for mode in ("wasm", "python"):
        assert f"test_b1_module_a_deployment_is_gone[{mode}] PASSED" in out, out[-6000:]
        assert (f"test_b2_session_fixture_first_set_up_in_module_a_still_works[{mode}] PASSED"
                in out), out[-6000:]
        assert f"test_a3_class_fixture_is_gone_after_its_class[{mode}] PASSED" in out
    assert "18 passed" in out, out[-3000:]


UNIQUE = '''
from near_sdk_py import Contract, view


class Unique(Contract):
    @view
    def tag(self):
        return "{tag}"
'''

BUILD_TEST = '''
def test_deploys(near_deploy, runtime):
    c = near_deploy("contracts/unique.py", account_id="unique.test.near")
    assert runtime.view(c, "tag") == "{tag}"
'''


def test_a_build_that_misses_the_cache_shows_progress_on_the_terminal(tmp_path):
    """The builder's "near-safe build:" stage lines reach the terminal through pytest's output
    capture when a contract misses the cache (a unique source forces the miss; the toolchain
    stays warm), and a second run (a cache hit) prints none."""
    import uuid

    tag = uuid.uuid4().hex
    project = _project(tmp_path, {"conftest.py": "", "test_build.py": BUILD_TEST.format(tag=tag)})
    (project / "contracts" / "unique.py").write_text(UNIQUE.format(tag=tag))
    result, _ = _child(project, files=("test_build.py",), timeout=1200)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("near-safe build:")]
    assert any("unique.py: built " in line for line in lines), result.stdout[-4000:]
    assert len(lines) >= 2, lines  # the stages, each with its time, then the total
    assert "Captured stderr" not in result.stdout
    again, _ = _child(project, files=("test_build.py",))
    assert again.returncode == 0, again.stdout[-4000:]
    assert "near-safe build:" not in again.stdout + again.stderr, again.stdout[-4000:]
