"""CPython mode on its own (``vm.run`` with ``ContractCode(kind="python")``): what it offers
beyond agreeing with Wasm mode - the real source runs, so tracers, coverage and debuggers see
it - and how it keeps calls apart."""

import sys
import textwrap

import pytest

from near_safe.testing import NEAR, TGAS
from near_safe.testing._types import VMContext
from near_safe.testing.params import DEFAULT_CONFIG
from near_safe.testing.vm import ContractCode, run


class Ext:
    def new_data_id(self):
        return bytes(32)

    def yield_is_pending(self, account_id, data_id):
        return False


def context(args=b"", gas=300 * TGAS, deposit=0):
    return VMContext(
        current_account_id="c.near", signer_account_id="a.near", signer_account_pk=bytes(33),
        predecessor_account_id="a.near", refund_to_account_id="a.near", input=args,
        promise_results=[], block_height=5, block_timestamp=1, epoch_height=1,
        random_seed=bytes(32), account_balance=10 * NEAR, account_locked_balance=0,
        storage_usage=500, attached_deposit=deposit, prepaid_gas=gas)


@pytest.fixture
def contract_dir(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return path
    return write


def call(path, method, args=b"", storage=None, **kw):
    code = ContractCode(path.read_bytes(), kind="python", source_path=str(path))
    return run(code, method, context(args, **kw), storage or {}, Ext(), DEFAULT_CONFIG)


COUNTER = """
    import near
    import helper

    @near.export
    def bump():
        helper.count += 1
        near.storage_write("n", str(helper.count))
        near.value_return(str(helper.count))
"""


def test_contract_lines_are_traced_in_the_real_file(contract_dir):
    """Coverage and debuggers work on the contract file itself."""
    contract_dir("helper.py", "count = 0\n")
    path = contract_dir("contract.py", COUNTER)
    seen = set()

    def tracer(frame, event, arg):
        if frame.f_code.co_filename == str(path):
            seen.add(frame.f_lineno)
        return tracer

    sys.settrace(tracer)
    try:
        out = call(path, "bump")
    finally:
        sys.settrace(None)
    assert out.aborted is None
    lines = path.read_text().splitlines()
    body = {i for i, text in enumerate(lines, 1) if "helper.count += 1" in text
            or "near.value_return" in text}
    assert body <= seen


def test_local_modules_are_fresh_per_call_and_sys_modules_is_restored(contract_dir):
    contract_dir("helper.py", "count = 0\n")
    path = contract_dir("contract.py", COUNTER)
    sentinel = type(sys)("helper")
    sys.modules["helper"] = sentinel
    try:
        for _ in range(3):
            out = call(path, "bump")
            assert out.return_data == ("value", b"1")
        assert sys.modules["helper"] is sentinel
    finally:
        del sys.modules["helper"]


def test_local_packages_import_fresh(contract_dir, tmp_path):
    (tmp_path / "pkg").mkdir()
    contract_dir("pkg/__init__.py", "from .inner import VALUE\n")
    contract_dir("pkg/inner.py", "VALUE = 'from the package'\n")
    path = contract_dir("contract.py", """
        import near
        from pkg import VALUE

        @near.export
        def get():
            near.value_return(VALUE)
    """)
    stale = type(sys)("pkg.inner")
    stale.VALUE = "stale"
    sys.modules["pkg.inner"] = stale
    try:
        assert call(path, "get").return_data == ("value", b"from the package")
        assert sys.modules["pkg.inner"] is stale and "pkg" not in sys.modules
    finally:
        del sys.modules["pkg.inner"]


def test_an_edited_source_runs_when_redeployed(contract_dir):
    path = contract_dir("contract.py", """
        import near

        @near.export
        def version():
            near.value_return("1")
    """)
    assert call(path, "version").return_data == ("value", b"1")
    path.write_text(path.read_text().replace('"1"', '"2"'))
    assert call(path, "version").return_data == ("value", b"2")


def test_only_exported_functions_are_callable(contract_dir):
    path = contract_dir("contract.py", """
        import near

        def helper():
            pass

        @near.export
        def exported():
            helper()
    """)
    assert call(path, "exported").aborted is None
    out = call(path, "helper")
    assert out.aborted.kind == "MethodNotFound" and out.nop
    assert call(path, "").aborted.kind == "MethodEmptyName"


def test_host_costs_beyond_the_prepaid_gas_abort_with_gas_exceeded(contract_dir):
    path = contract_dir("contract.py", """
        import near

        @near.export
        def write_a_lot():
            for i in range(1000):
                near.storage_write("key%d" % i, "x" * 100)
    """)
    out = call(path, "write_a_lot", gas=5 * TGAS)
    assert out.aborted.kind == "GasExceeded"
    assert out.aborted.message == "Exceeded the prepaid gas."
    assert out.burnt_gas == 5 * TGAS  # all prepaid gas burnt (docs/protocol.md 2.10)
    assert out.storage is None


def test_host_costs_are_charged_like_wasm_mode_minus_the_wasm_ops(contract_dir):
    """The same host calls cost the same: a storage write costs at least its ext costs."""
    from near_safe.testing.params import EXT_COSTS

    path = contract_dir("contract.py", """
        import near

        @near.export
        def nothing():
            pass

        @near.export
        def write():
            near.storage_write(b"k", b"v")
    """)
    idle = call(path, "nothing").burnt_gas
    assert idle == 0  # no host call, no Wasm op gas in CPython mode
    written = call(path, "write").burnt_gas
    assert written >= EXT_COSTS["base"] + EXT_COSTS["storage_write_base"]


def test_streams_and_print_are_restored_after_the_call(contract_dir):
    import builtins

    path = contract_dir("contract.py", """
        import near
        import sys

        @near.export
        def talk():
            sys.stdout.write("to the logs\\n")
            print("nowhere")
    """)
    before = sys.stdout, sys.stderr, builtins.print
    out = call(path, "talk")
    assert out.logs == ["to the logs\r"]
    assert (sys.stdout, sys.stderr, builtins.print) == before


def test_shared_contract_side_module_state_is_reset_after_each_call(contract_dir):
    """near_sdk_py and near_safe's contract side are imported once per process in CPython
    mode; what a call changes in their module state (a rebound global, a module-level list or
    dict) is put back as MicroPython's fresh import would have it."""
    from near_sdk_py.promises import decorators

    from near_safe.testing.vm import _pymode

    # a plain (not CONSTANT) module global of near_safe's contract side, e.g. _state.method
    module, name = next((ns["__name__"], key) for ns, key, _, contents in _pymode._shared().saved
                        if contents is None and ns["__name__"].startswith("near_safe."))
    path = contract_dir("contract.py", f"""
        import near
        import {module} as target
        from near_sdk_py.promises import decorators

        @near.export
        def scribble():
            decorators.STATUS_NAMES.append("Scribbled")
            target.{name} = "scribbled"
            near.value_return(str(len(decorators.STATUS_NAMES)))
    """)
    shared = sys.modules[module]
    before = (list(decorators.STATUS_NAMES), getattr(shared, name))
    first = call(path, "scribble").return_data
    assert (list(decorators.STATUS_NAMES), getattr(shared, name)) == before
    assert call(path, "scribble").return_data == first


def test_the_last_uncaught_exception_is_kept_for_debugging(contract_dir):
    from near_safe.testing.vm import _pymode

    path = contract_dir("contract.py", """
        import near

        @near.export
        def fails():
            raise KeyError("the real CPython exception")
    """)
    out = call(path, "fails")
    assert out.aborted.message == "Smart contract panicked: explicit guest panic"
    exc = _pymode.last_exception
    assert isinstance(exc, KeyError) and exc.args == ("the real CPython exception",)
    assert exc.__traceback__ is not None


def test_breakpoint_in_a_contract_opens_pdb_on_the_callers_streams(contract_dir, monkeypatch):
    import io

    path = contract_dir("contract.py", """
        import near

        @near.export
        def stop():
            value = 41
            breakpoint()
            near.value_return(str(value + 1))
    """)
    terminal = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO("p value\ncontinue\n"))
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.delenv("PYTHONBREAKPOINT", raising=False)
    out = call(path, "stop")
    monkeypatch.undo()
    assert out.return_data == ("value", b"42")
    assert out.logs == []  # the debugger's output did not go to the logs
    assert "41" in terminal.getvalue()


def test_a_syntax_error_is_reported_like_the_builder_does(contract_dir):
    from near_safe.errors import BuildError

    path = contract_dir("contract.py", """
        import near

        @near.export
        def broken(:
            pass
    """)
    with pytest.raises(BuildError, match=r"contract.py:5.*syntax error"):
        call(path, "broken")


@pytest.mark.parametrize("source, problem", [
    ("import near\nimport sqlite3\n\n@near.export\ndef f():\n    pass\n", "cannot freeze import"),
    ("import near\n\ndef f():\n    pass\n", "no exported methods"),
])
def test_what_the_builder_refuses_cpython_mode_refuses(contract_dir, source, problem):
    """A contract that cannot become a Wasm does not run in CPython mode either."""
    from near_safe.errors import BuildError

    path = contract_dir("contract.py", source)
    with pytest.raises(BuildError, match=problem):
        call(path, "f")


def test_a_library_module_sharing_a_name_with_a_local_file_is_left_alone(contract_dir):
    """A file of the contract's folder that the contract does not import (say colorsys.py)
    does not replace the stdlib module of that name for the libraries running in the call."""
    import colorsys

    contract_dir("colorsys.py", "SHADOW = True\n")
    path = contract_dir("contract.py", """
        import near
        import sys

        @near.export
        def which():
            near.value_return(str(hasattr(sys.modules["colorsys"], "SHADOW")))
    """)
    assert call(path, "which").return_data == ("value", b"False")
    assert sys.modules["colorsys"] is colorsys
