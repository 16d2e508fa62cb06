"""Each bad input gives exit code 2 through the real CLI, with a message naming the problem
and the fix; the analysis errors are raised before the toolchain runs."""

import os
import shutil
import time

import pytest

from near_safe.builder import build
from near_safe.errors import BuildError


def test_missing_contract_file(cli, tmp_path):
    code, out, err = cli(tmp_path / "nowhere.py")
    assert code == 2 and out == ""
    assert "contract file not found" in err and "nowhere.py" in err


def test_contract_must_be_a_python_file(cli, tmp_path):
    wasm = tmp_path / "c.wasm"
    wasm.write_bytes(b"\0asm")
    code, _, err = cli(wasm)
    assert code == 2 and "ending in .py" in err


def test_syntax_error_names_file_line_and_column_before_the_toolchain(cli, tmp_path):
    bad = tmp_path / "broken.py"
    bad.write_text("from near_sdk_py import view\n\n@view\ndef get(:\n    return 1\n")
    code, _, err = cli(bad)
    assert code == 2
    assert f"{bad}:4:9: syntax error: invalid syntax" in err
    assert "fix the Python syntax in broken.py" in err
    assert "staging sources" not in err  # no toolchain stage started


def test_syntax_error_in_an_imported_local_module(tmp_path):
    (tmp_path / "lib.py").write_text("def f(\n")
    (tmp_path / "c.py").write_text("import lib\nfrom near_sdk_py import view\n\n@view\ndef g():\n    return 1\n")
    with pytest.raises(BuildError, match=r"lib\.py:1:\d+: syntax error"):
        build(tmp_path / "c.py", progress=False)


def test_no_exported_methods_explains_the_decorator_rule(cli, contracts):
    code, _, err = cli(contracts / "no_exports.py")
    assert code == 2
    assert "no exported methods" in err
    assert "view, call, init, callback or multi_callback" in err
    # the look-alike decorators are named, with the fix
    assert "deposit (@safe.call, line 13)" in err
    assert "balance (@near_sdk_py.view, line 18)" in err
    assert "from near_safe import call" in err


def test_unknown_import_names_the_module_and_the_fix(cli, contracts):
    code, _, err = cli(contracts / "unknown_import.py")
    assert code == 2
    assert "unknown_import.py:3: cannot freeze import 'frobnicate_ledger'" in err
    assert "pip install frobnicate_ledger" in err and "frobnicate_ledger.py next to the contract" in err


def test_cpython_stdlib_import_is_rejected(cli, contracts):
    code, _, err = cli(contracts / "cpython_stdlib_import.py")
    assert code == 2
    assert "cannot freeze import 'decimal'" in err
    assert "MicroPython" in err and "does not have" in err


def test_near_safe_tooling_import_is_rejected(cli, contracts):
    code, _, err = cli(contracts / "tooling_import.py")
    assert code == 2
    assert "import 'near_safe.testing'" in err
    assert "CPython-only tooling" in err


def test_missing_emcc(cli, contracts, tmp_path):
    # A PATH with make but without emcc (and the interpreter called by absolute path), and a
    # contract never built (a built one runs without emcc: tests/builder/test_without_emcc.py).
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(shutil.which("make"), bindir / "make")
    env = dict(os.environ, PATH=str(bindir))
    fresh = tmp_path / "never_built.py"
    fresh.write_text(f"from near_sdk_py import view\n\n\n@view\ndef n():\n    return 1\n"
                     f"# {time.time_ns()}\n")
    code, _, err = cli(fresh, env=env)
    assert code == 2
    assert "emcc (the emscripten compiler) was not found" in err
    assert "install emscripten: apt-get install -y emscripten" in err


def test_micropython_unsupported_syntax_is_caught_before_the_toolchain(cli, contracts):
    code, _, err = cli(contracts / "match_statement.py")
    assert code == 2
    assert f"{contracts / 'match_statement.py'}:8:5: MicroPython, which runs the contract, does not support match statements: use if/elif" in err
    assert "staging sources" not in err


def test_toolchain_failure_shows_the_compiler_output_tail(cli, contracts):
    code, _, err = cli(contracts / "parenthesized_with.py", "--quiet")
    assert code == 2
    assert "toolchain failure" in err
    assert "error compiling parenthesized_with.py" in err  # from the compiler's own output
    assert "mpy-cross) rejected parenthesized_with.py" in err
    assert "full log:" in err


def test_export_named_like_a_c_symbol_is_named_with_the_fix(cli, contracts):
    code, _, err = cli(contracts / "c_symbol_export.py", "--quiet")
    assert code == 2
    assert "duplicate symbol: stdout" in err  # the linker's own words, in the tail
    assert "exported method name(s) stdout clash with C symbols" in err
    assert "rename the method" in err


def test_usage_errors(cli):
    code, _, err = cli()
    assert code == 2 and "missing CONTRACT.py" in err
    code, _, err = cli("--warm", "x.py")
    assert code == 2 and "--warm takes no contract" in err


def test_python_api_raises_build_error_not_system_exit(contracts):
    with pytest.raises(BuildError, match="no exported methods"):
        build(contracts / "no_exports.py", progress=False)
