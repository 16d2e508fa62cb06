"""Decorator misuse is a build error (issue 3: "a clear error at import/build time"), found in
the contract's syntax tree before the toolchain runs: building never runs the contract
(issue 12, finding 1)."""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import near_safe
from near_safe.builder import _misuse, build_count
from near_safe.builder._misuse import check_decorator_misuse
from near_safe.errors import BuildError

CONTRACTS = Path(__file__).parent / "contracts"

HEADER = ("from near_safe import call, view, init, callback, multi_callback, optional, "
          "INT, STR, AMOUNT, ACCOUNT, ANY\n")

# Each case: decorated source whose decorator near_safe refuses.  The expected message is not
# written here: it is what near_safe itself raises when CPython applies the decorator.
MISUSES = [
    "@call(True)\ndef f():\n    pass\n",
    "@view(payable=True)\ndef f():\n    pass\n",
    "@view(private=True)\ndef f():\n    pass\n",
    "@init(one_yocto=True)\ndef f():\n    pass\n",
    "@call(frobnicate=1)\ndef f():\n    pass\n",
    "@callback(private=True)\ndef f(r):\n    pass\n",
    "@multi_callback(payable=True)\ndef f(r):\n    pass\n",
    "@call(payable=True, one_yocto=True)\ndef f():\n    pass\n",
    "@call(args=['amount'])\ndef f():\n    pass\n",
    "@call(args='amount')\ndef f():\n    pass\n",
    "@call(args=5)\ndef f():\n    pass\n",
    "@call(args={'_ns': INT})\ndef f(_ns):\n    pass\n",
    "@call(args={1: INT})\ndef f():\n    pass\n",
    "@call(args={'a': 'float'})\ndef f(a):\n    pass\n",
    "@call(args={'a': optional('nope')})\ndef f(a=None):\n    pass\n",
    "@call(args={'a': 3})\ndef f(a):\n    pass\n",
    "@callback(max_result=-1)\ndef f(r):\n    pass\n",
    "@callback(max_result='big')\ndef f(r):\n    pass\n",
    "@callback(max_result=2 * -1024)\ndef f(r):\n    pass\n",
    "@callback(result='float')\ndef f(r):\n    pass\n",
    "@call(payable=True, args={'a': 'nope'}, one_yocto=True)\ndef f(a):\n    pass\n",
    "class C:\n    @view(payable=True)\n    def m(self):\n        pass\n",
    "@call(args={'amout': AMOUNT})\ndef f(amount):\n    pass\n",
    "@call(payable=True, args={'a': INT, 'b': STR})\ndef f(a):\n    pass\n",
    "@call(payable=True)\n@view\ndef f():\n    pass\n",
]
# stacked decorators (the outer one refuses, on its own line)
STACKED = [
    ("@call\n@view\ndef f():\n    pass\n", 2),
    ("@view\n@callback(max_result=1)\ndef f(r):\n    pass\n", 2),
]
ACCEPTED = [
    "@call(payable=True, args={'a': AMOUNT, 'b': optional(ACCOUNT)})\ndef f(a, b=None):\n"
    "    pass\n",
    "@callback(max_result=4 * 1024, result=INT)\ndef f(r):\n    pass\n",
    "@call(payable=False, one_yocto=True)\ndef f():\n    pass\n",
    "@view(args=None)\ndef f():\n    pass\n",
    "@multi_callback(args={'x': ANY}, max_result=0)\ndef f(rs, x):\n    pass\n",
    "@call\ndef f():\n    pass\n",
    "@call(args={'a': INT})\ndef f(**kw):\n    pass\n",
    "@call(args={'a': INT})\ndef f(*a):\n    pass\n",
    "@call(args={'a': INT})\ndef f(*, a):\n    pass\n",
]


def _cpython_message(src: str) -> str | None:
    """What near_safe raises for ``src`` under CPython (the test's own code, run here)."""
    try:
        exec(compile(HEADER + src, "<case>", "exec"), {})
    except near_safe.MisuseError as exc:
        return str(exc)
    return None


def _tree_message(src: str, path=Path("c.py")) -> str | None:
    try:
        check_decorator_misuse(path, HEADER + src)
    except BuildError as exc:
        return str(exc)
    return None


def test_the_tables_are_near_safes_own():
    assert _misuse.ALLOWED == near_safe._ALLOWED
    assert _misuse.HINT == near_safe._HINT
    assert _misuse.KINDS == set(near_safe._DESC)
    assert {v: getattr(near_safe, k) for k, v in _misuse.KIND_NAMES.items()} == {
        v: v for v in _misuse.KIND_NAMES.values()}


@pytest.mark.parametrize("src", MISUSES)
def test_the_tree_finds_each_misuse_with_near_safes_message_and_the_line(src):
    expected = _cpython_message(src)
    assert expected is not None, "the case must be a misuse near_safe refuses"
    line = next(n.lineno for n in ast.walk(ast.parse(HEADER + src))
                if isinstance(n, ast.Call) and getattr(n.func, "id", "") in _misuse.ALLOWED)
    assert _tree_message(src) == f"c.py:{line}: {expected}"


@pytest.mark.parametrize("src,line", STACKED)
def test_stacked_decorators_are_found_on_the_outer_ones_line(src, line):
    expected = _cpython_message(src)
    assert expected is not None and "stacked" in expected
    assert _tree_message(src) == f"c.py:{line}: {expected}"


@pytest.mark.parametrize("src", ACCEPTED)
def test_correct_decorators_pass(src):
    assert _cpython_message(src) is None
    assert _tree_message(src) is None


def test_aliases_and_module_attributes_are_followed():
    assert "@call on f: payable and one_yocto" in _tree_message(
        "from near_safe import call as c\n@c(payable=True, one_yocto=True)\ndef f():\n    pass\n")
    assert "@view on f: option 'payable'" in _tree_message(
        "import near_safe as ns\n@ns.view(payable=True)\ndef f():\n    pass\n")
    assert "@call on f: payable and one_yocto" in _tree_message(
        "c = call\n@c(payable=True, one_yocto=True)\ndef f():\n    pass\n")
    assert "argument 'a' has unknown kind 'flaot'" in _tree_message(
        "K = 'flaot'\n@call(args={'a': K})\ndef f(a):\n    pass\n")
    assert _tree_message("K = INT\n@call(args={'a': K})\ndef f(a):\n    pass\n") is None


def test_a_decorator_of_another_library_is_not_judged():
    src = "from near_sdk_py import call\n@call(anything=1)\ndef f():\n    pass\n"
    assert _tree_message(src) is None


def test_what_the_tree_cannot_decide_is_reported_and_left_to_the_wasm(tmp_path):
    src = HEADER + ("SPEC = {'a': INT}\nOPTS = {'payable': True}\n\n@call(args=SPEC)\n"
                    "def f(a):\n    pass\n\n@call(**OPTS)\ndef g():\n    pass\n\n"
                    "@call(args={'b': STR + 'x'})\ndef h(b):\n    pass\n\n"
                    "def other(fn):\n    return fn\n\n"
                    "@call(payable=True, one_yocto=True)\n@other\ndef k():\n    pass\n")
    path = tmp_path / "dyn.py"
    assert check_decorator_misuse(path, src) == [f"{path}:5", f"{path}:9", f"{path}:13",
                                                 f"{path}:20"]


def test_misuse_in_a_local_module_names_that_file(tmp_path):
    lib = tmp_path / "lib.py"
    lib_src = "from near_safe import view\n\n@view(payable=True)\ndef peek():\n    pass\n"
    with pytest.raises(BuildError, match=r"lib.py:3: @view on peek: option 'payable'"):
        check_decorator_misuse(tmp_path / "c.py", "import lib\n", {lib: lib_src})


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


def test_module_level_host_calls_do_not_matter(tmp_path):
    odd = tmp_path / "odd.py"
    odd.write_text("import near\nfrom near_safe import call\nnear.log_utf8('x')\n\n\n"
                   "@call\ndef f():\n    pass\n")
    assert check_decorator_misuse(odd) == []


def test_misuse_message_is_a_build_error(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from near_safe import call\n\n\n@call(payable=True, one_yocto=True)\n"
                   "def f():\n    pass\n")
    with pytest.raises(BuildError, match=r"bad.py:4: @call on f: payable and one_yocto"):
        check_decorator_misuse(bad)


# --- building or deploying a contract never runs it under CPython (issue 12, finding 1) ------

TROJAN = textwrap.dedent('''\
    """A contract whose module level, run under CPython, would leave a marker file."""
    import sys

    from near_safe import call, view

    if sys.implementation.name != "micropython":
        with open({marker!r}, "w") as fh:
            fh.write("the contract ran under CPython")


    @call(args={{"v": "str"}})
    def put(v):
        return v


    @view
    def ping():
        return "pong"
''')


def test_build_and_deploy_never_import_the_contract_under_cpython(tmp_path):
    from near_safe.testing import Runtime

    marker = tmp_path / "marker"
    contract = tmp_path / "trojan.py"
    contract.write_text(TROJAN.format(marker=str(marker)))
    # Runtime().deploy in Wasm mode builds it (a new contract: a real build, checks included)
    rt = Runtime()
    rt.deploy("trojan.near", contract)
    rt.create_account("alice.near")
    assert rt.call("alice.near", "trojan.near", "put", {"v": "x"}).value == "x"
    assert not marker.exists()
    # `near-safe build --rebuild` runs the checks and the toolchain again
    proc = subprocess.run([sys.executable, "-m", "near_safe.cli", "build", str(contract),
                           "--rebuild", "-q"], capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    # the marker test itself can fail: importing the contract under CPython writes it
    subprocess.run([sys.executable, str(contract)], check=True)
    assert marker.exists()


def test_the_safety_suites_stacked_contract_is_refused_at_build_time():
    stacked = Path(__file__).parents[1] / "safety" / "contracts" / "misuse_stacked.py"
    with pytest.raises(BuildError, match=r"misuse_stacked.py:7: @call on total: stacked on @view"):
        check_decorator_misuse(stacked)
