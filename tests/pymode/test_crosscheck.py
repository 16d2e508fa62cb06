"""``--near-mode=both`` does not pass on CPython alone: every CPython-mode call is also run in
Wasm mode and a disagreement fails the test (_pymode/_crosscheck.py, the pytest plugin)."""

import os
import subprocess
import sys

import pytest

from near_safe.testing import NEAR, Runtime
from near_safe.testing.vm._pymode import ModeDisagreement, _crosscheck

# "isn't callable" in MicroPython, "is not callable" in CPython: a text CPython mode does not
# reproduce, standing for any family it cannot model
CONTRACT = '''import near


@near.export
def agrees():
    near.log_utf8("same in both")
    near.storage_write("k", "v")
    near.value_return("ok")


@near.export
def differs():
    not_callable = int("5")
    try:
        not_callable()
    except TypeError as e:
        near.value_return(str(e))
'''


@pytest.fixture
def contract_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "cc"\nversion = "0.1.0"\n')
    path = tmp_path / "crosschecked.py"
    path.write_text(CONTRACT)
    return path


def test_a_disagreement_fails_the_call_and_agreement_passes(contract_file):
    rt = Runtime(mode="python")
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    contract = rt.deploy("cc.near", contract_file, balance=10 * NEAR)
    assert alice.call(contract, "differs", b"").succeeded  # unchecked: CPython alone passes
    _crosscheck.enable(True)
    try:
        assert alice.call(contract, "agrees", b"").value == "ok"
        with pytest.raises(ModeDisagreement, match="isn't callable") as raised:
            alice.call(contract, "differs", b"")
        assert "is not callable" in str(raised.value)
    finally:
        _crosscheck.enable(False)


TESTS = '''
def test_agrees(near_deploy, alice, near_mode):
    assert alice.call(near_deploy("contracts/crosschecked.py"), "agrees", b"").value == "ok"


def test_differs(near_deploy, alice, near_mode):
    assert alice.call(near_deploy("contracts/crosschecked.py"), "differs", b"").succeeded
'''


def _pytest(tmp_path, contract_file, *args):
    (tmp_path / "contracts").mkdir(exist_ok=True)
    (tmp_path / "contracts" / "crosschecked.py").write_text(contract_file.read_text())
    (tmp_path / "test_user.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(tmp_path), *args, "test_user.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_near_mode_both_reports_the_disagreement(tmp_path, contract_file):
    result = _pytest(tmp_path, contract_file, "--near-mode=both")
    out = result.stdout
    assert "test_agrees[python] PASSED" in out and "test_agrees[wasm] PASSED" in out
    assert "test_differs[wasm] PASSED" in out
    assert "test_differs[python] FAILED" in out and "ModeDisagreement" in out
    alone = _pytest(tmp_path, contract_file, "--near-mode=python")
    assert "test_differs[python] PASSED" in alone.stdout or "test_differs PASSED" in alone.stdout
