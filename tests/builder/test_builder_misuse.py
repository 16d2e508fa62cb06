"""Decorator misuse is a build error (issue 3: "a clear error at import/build time"), found by
importing the contract under CPython before the toolchain runs."""

import subprocess
import sys
from pathlib import Path

import pytest

from near_safe.builder import build_count
from near_safe.builder._misuse import check_decorator_misuse
from near_safe.errors import BuildError

CONTRACTS = Path(__file__).parent / "contracts"


def test_payable_view_fails_the_build_naming_the_line_and_the_rule():
    before = build_count()
    proc = subprocess.run(
        [sys.executable, "-m", "near_safe.cli", "build", str(CONTRACTS / "payable_view.py")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "payable_view.py:10" in proc.stderr
    assert "@view on peek" in proc.stderr and "payable" in proc.stderr
    assert build_count() == before  # refused before the toolchain ran


def test_a_correct_near_safe_contract_passes_the_check(tmp_path):
    ok = tmp_path / "ok.py"
    ok.write_text("from near_safe import call\n\n\n@call(payable=True)\ndef pay():\n    pass\n")
    check_decorator_misuse(ok)  # no error


def test_module_level_host_calls_are_left_to_the_wasm_build(tmp_path):
    odd = tmp_path / "odd.py"
    odd.write_text("import near\nfrom near_safe import call\nnear.log_utf8('x')\n\n\n"
                   "@call\ndef f():\n    pass\n")
    check_decorator_misuse(odd)  # cannot judge: no error


def test_misuse_message_is_a_build_error(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from near_safe import call\n\n\n@call(payable=True, one_yocto=True)\n"
                   "def f():\n    pass\n")
    with pytest.raises(BuildError, match=r"bad.py:4: @call on f: payable and one_yocto"):
        check_decorator_misuse(bad)
