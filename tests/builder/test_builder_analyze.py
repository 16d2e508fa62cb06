"""The analysis and the cache key, without running the toolchain (cheap)."""

import re
import shutil
from pathlib import Path

import pytest

from near_safe.builder import _analyze, _build, cache_key
from near_safe.builder._analyze import plan_build
from near_safe.builder._toolchain import find_emcc

CONTRACTS = Path(__file__).parent / "contracts"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


VIEW = "from near_sdk_py import view\n\n@view\ndef get():\n    return 1\n"


def test_local_modules_are_followed_transitively_and_nothing_else(tmp_path):
    write(tmp_path / "a.py", "import b\n")
    write(tmp_path / "b.py", "from pkg import sub\n")
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "sub.py", "from . import inner\nfrom .deep.mod import x\n")
    write(tmp_path / "pkg" / "inner.py", "")
    write(tmp_path / "pkg" / "deep" / "__init__.py", "")
    write(tmp_path / "pkg" / "deep" / "mod.py", "x = 1\n")
    write(tmp_path / "test_contract.py", "import pytest\n")  # never imported: not frozen
    write(tmp_path / "script.py", "import subprocess\n")
    contract = write(tmp_path / "contract.py", "import a\n" + VIEW)
    plan = plan_build(contract)
    assert sorted(plan.local_modules) == [
        "a.py", "b.py", "pkg/__init__.py", "pkg/deep/__init__.py", "pkg/deep/mod.py",
        "pkg/inner.py", "pkg/sub.py",
    ]
    assert plan.near_safe_files == []  # not imported: not frozen
    assert set(plan.packages) == {"near_sdk_py"}


def test_near_safe_import_freezes_exactly_the_contract_side(tmp_path):
    contract = write(tmp_path / "c.py", "from near_safe import __version__\n" + VIEW)
    plan = plan_build(contract)
    assert plan.near_safe_files[0] == "__init__.py"
    assert all(f.startswith("contract/") and f.count("/") == 1 for f in plan.near_safe_files[1:])
    root = _analyze.near_safe_root()
    # every contract-side module, except those loaded only by names this contract never uses
    # (the class surface, docs/classes.md; near_sdk_py frozen brings the collections router)
    on_demand = set(_analyze.ON_DEMAND_FILES)
    if "near_sdk_py" in plan.packages:
        on_demand.discard("contract/_route.py")
    assert on_demand and plan.near_safe_files[1:] == sorted(
        "contract/" + p.name for p in (root / "contract").glob("*.py")
        if "contract/" + p.name not in on_demand
    )


def test_guarded_imports_do_not_stop_the_build():
    plan = plan_build(CONTRACTS / "guarded_imports.py")
    assert plan.exports == ["ok"]
    assert "decimal" not in plan.packages and "frobnicate_optional" not in plan.packages


def test_micropython_modules_and_typing_are_accepted(tmp_path):
    contract = write(
        tmp_path / "c.py",
        "import json, math, re, struct, ujson, near\nfrom typing import Optional\n"
        "from collections import OrderedDict\nimport functools, hashlib\n" + VIEW,
    )
    assert plan_build(contract).packages.keys() == {"near_sdk_py"}


def test_exports_follow_nearcs_decorator_rule(tmp_path):
    contract = write(
        tmp_path / "c.py",
        "from near_sdk_py import view, call, init\nimport near\n"
        "@view\ndef a():\n    pass\n"
        "@call(payable=True)\ndef b():\n    pass\n"
        "@near.export\ndef c():\n    pass\n"
        "class K:\n    @init\n    def d(self):\n        pass\n"
        "def not_exported():\n    pass\n",
    )
    assert plan_build(contract).exports == ["a", "b", "c", "d"]


def test_c_keyword_export_is_rejected(tmp_path):
    contract = write(tmp_path / "c.py", "from near_sdk_py import view\n@view\ndef switch():\n    pass\n")
    with pytest.raises(Exception, match="C keywords"):
        plan_build(contract)


@pytest.fixture
def keyed(tmp_path):
    write(tmp_path / "helper.py", "X = 1\n")
    contract = write(tmp_path / "c.py", "import helper\nimport near_safe\n" + VIEW)
    emcc = find_emcc()
    return contract, emcc, lambda: cache_key(plan_build(contract), emcc)


def test_key_is_stable_for_unchanged_inputs(keyed, tmp_path):
    contract, _, key = keyed
    first = key()
    contract.touch()  # mtime alone is not content
    assert key() == first
    # the same contract in another folder: same content, same key
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(contract, other / "c.py")
    shutil.copy(tmp_path / "helper.py", other / "helper.py")
    assert cache_key(plan_build(other / "c.py"), keyed[1]) == first


def test_key_changes_with_every_input(keyed, tmp_path, monkeypatch):
    contract, _, key = keyed
    seen = {key()}

    def changed():
        k = key()
        assert k not in seen
        seen.add(k)

    write(tmp_path / "helper.py", "X = 2\n")  # a frozen local module
    changed()
    contract.write_text(contract.read_text() + "# edit\n")  # the contract
    changed()
    write(tmp_path / "pyproject.toml", "[project]\nname = 'c'\n")  # nearc reads its metadata
    changed()
    # near_safe's contract-side files
    fake_root = tmp_path / "fake_ns" / "near_safe"
    shutil.copytree(_analyze.near_safe_root(), fake_root,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_analyze, "near_safe_root", lambda: fake_root)
    assert key() in seen  # same content, same key
    (fake_root / "contract" / "__init__.py").write_text("# edited\n")
    changed()
    # toolchain versions and build options
    monkeypatch.setattr(_build, "nearc_version", lambda: "0.0.0-other")
    changed()
    monkeypatch.setattr(_build, "emcc_version", lambda emcc: "9.9.9")
    changed()
    monkeypatch.setitem(_build.BUILD_OPTIONS, "abi", False)
    changed()


def test_key_ignores_cpython_only_near_safe_files(keyed, tmp_path, monkeypatch):
    _, _, key = keyed
    fake_root = tmp_path / "fake_ns" / "near_safe"
    shutil.copytree(_analyze.near_safe_root(), fake_root,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_analyze, "near_safe_root", lambda: fake_root)
    first = key()
    (fake_root / "errors.py").write_text("# CPython-only: never frozen\n")
    assert key() == first


def test_cpython_only_branches_are_not_frozen(tmp_path):
    contract = write(
        tmp_path / "c.py",
        "import sys\n"
        'if sys.implementation.name != "micropython":\n    import decimal\n'
        'if sys.implementation.name == "micropython":\n    import json\nelse:\n    import sqlite3\n'
        + VIEW,
    )
    assert plan_build(contract).packages.keys() == {"near_sdk_py"}
    # outside such a guard the same import is an error
    bad = write(tmp_path / "bad.py", "import sys\nimport sqlite3\n" + VIEW)
    with pytest.raises(Exception, match="cannot freeze import 'sqlite3'"):
        plan_build(bad)


def test_prune_keeps_the_newest_wasm_entries_and_drops_stale_work(tmp_path, monkeypatch):
    import os
    import time

    from near_safe.builder._build import prune

    monkeypatch.setenv("NEAR_SAFE_CACHE", str(tmp_path))
    wasm_dir = tmp_path / "wasm"
    wasm_dir.mkdir()
    for i, key in enumerate(["old", "mid", "new"]):
        for suffix in (".wasm", ".json", ".manifest.py"):
            f = wasm_dir / f"{key}{suffix}"
            f.write_text(key)
            os.utime(f, (1000 + i, 1000 + i))
    stale = tmp_path / "work" / "failed"
    fresh = tmp_path / "work" / "recent"
    stale.mkdir(parents=True)
    fresh.mkdir()
    os.utime(stale, (time.time() - 3 * 86400,) * 2)
    assert prune(max_wasm=2) == 1
    assert sorted(p.name for p in wasm_dir.iterdir()) == [
        "mid.json", "mid.manifest.py", "mid.wasm", "new.json", "new.manifest.py", "new.wasm"]
    assert not stale.exists() and fresh.exists()


def test_installed_packages_are_frozen_but_the_current_folder_is_not(tmp_path, monkeypatch):
    site = tmp_path / "site"
    write(site / "mylib" / "__init__.py", "X = 1\n")
    cwd = tmp_path / "cwd"
    write(cwd / "stray.py", "X = 1\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(cwd))
    monkeypatch.chdir(cwd)
    contract = write(tmp_path / "proj" / "c.py", "import mylib\n" + VIEW)
    assert plan_build(contract).packages["mylib"] == site / "mylib"
    stray = write(tmp_path / "proj" / "d.py", "import stray\n" + VIEW)
    with pytest.raises(Exception, match="cannot freeze import 'stray'.*pip install stray"):
        plan_build(stray)


def test_except_import_error_alone_does_not_guard_a_missing_module(tmp_path):
    # In nearc's MicroPython port a missing module raises OSError (ENOENT), not ImportError;
    # test_builder_build runs guarded_imports.py, whose `except (ImportError, OSError)` works.
    contract = write(
        tmp_path / "c.py", "try:\n    import frobnicate_x\nexcept ImportError:\n    pass\n" + VIEW
    )
    with pytest.raises(Exception, match=r"cannot freeze import 'frobnicate_x'.*except \(ImportError, OSError\)"):
        plan_build(contract)
    contract.write_text(contract.read_text().replace("except ImportError:", "except (ImportError, OSError):"))
    assert "frobnicate_x" not in plan_build(contract).packages


@pytest.mark.parametrize(
    ("code", "where", "what"),
    [
        ("def f(a, /, b):\n    return a\n", "1:1", "positional-only parameters"),
        ("x = [1]\nt = (*x, 1)\n", "2:6", "* unpacking inside a list, tuple or set display"),
        ("x = {**{}, 'a': 1}\n", "1:5", "** unpacking inside a dict display"),
        ("d = [lambda f: f]\n@d[0]\ndef g():\n    pass\n", "2:2", "this decorator expression"),
        ("try:\n    pass\nexcept* ValueError:\n    pass\n", "1:1", "except*"),
    ],
)
def test_micropython_unsupported_syntax_is_named_with_its_position(tmp_path, code, where, what):
    contract = write(tmp_path / "c.py", code + VIEW)
    with pytest.raises(Exception, match=rf"c\.py:{where}: MicroPython, which runs the contract, "
                       rf"does not support {re.escape(what)}"):
        plan_build(contract)


def test_micropython_supported_forms_pass(tmp_path):
    code = (
        "a, *b = [1, 2, 3]\nfor i, *r in [[1, 2]]:\n    pass\nprint(*b, **{})\n"
        "if (n := 3) > 2:\n    pass\ndef f(*, k=1, **kw):\n    return k\n"
        "import near\n@near.export\ndef e():\n    pass\n"
    )
    plan_build(write(tmp_path / "c.py", code + VIEW))


def test_unsupported_syntax_in_an_imported_local_module(tmp_path):
    write(tmp_path / "lib.py", "def f(a, /):\n    return a\n")
    contract = write(tmp_path / "c.py", "import lib\n" + VIEW)
    with pytest.raises(Exception, match=r"lib\.py:1:1: MicroPython"):
        plan_build(contract)


def test_micropython_network_libraries_nearc_never_freezes_are_rejected(tmp_path):
    contract = write(tmp_path / "c.py", "import requests\n" + VIEW)
    with pytest.raises(Exception, match="cannot freeze import 'requests'.*never freezes"):
        plan_build(contract)


@pytest.mark.parametrize("guard, branch", [
    ('sys.implementation.name == "micropython" or "near" in sys.builtin_module_names', "else"),
    ('sys.implementation.name != "micropython" and "x" not in sys.builtin_module_names', "if"),
])
def test_micropython_guards_through_or_and_and_hide_cpython_only_imports(tmp_path, guard,
                                                                         branch):
    """MicroPython short-circuits ``== "micropython" or X`` (the else never runs there) and
    ``!= "micropython" and X`` (the body never runs): a CPython-only import there is fine."""
    cpython_only = "    import decimal\n"
    other = "    import json\n"
    body, orelse = (other, cpython_only) if branch == "else" else (cpython_only, other)
    contract = write(tmp_path / "c.py", f"import sys\nif {guard}:\n{body}else:\n{orelse}" + VIEW)
    assert "decimal" not in plan_build(contract).packages
