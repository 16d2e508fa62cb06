"""The CPython backend's pin list and its profiler (near_safe/builder/_cpython.py, pyprofile.py):
the parts that run without nearc 0.10 (here, on any Python).  The builds themselves are in
tests/builder/test_toolchains.py (the 3.13 lane)."""

import copy

import pytest

from near_safe.builder import _cpython
from near_safe.builder._cpython import PINS_FILE, _trace_once, read_pins, write_pins
from near_safe.errors import BuildError


def test_shipped_pin_list_names_its_optimizer_version_and_functions():
    version, functions, modules = read_pins(PINS_FILE)
    assert version.count(".") == 2, version  # cpython-near-wasm-opt X.Y.Z
    # the functions every near_safe call reaches: the host module's, JSON's, the interpreter's
    assert {"near_input", "near_value_return", "near_storage_write", "_PyEval_EvalFrameDefault",
            "near_promise_batch_action_function_call_weight"} <= set(functions)
    assert len(functions) == len(set(functions)) > 1000
    assert modules == []  # modules come from each contract's imports (stdlib_imports)


def test_pin_file_round_trip(tmp_path):
    path = tmp_path / "pins.txt"
    write_pins(path, "9.9.9", ["b_fn", "a_fn", "a_fn"], ["json/decoder.pyc"], "a test")
    text = path.read_text()
    assert "# measured by: a test" in text and "# 2 functions, 1 modules" in text
    assert read_pins(path) == ("9.9.9", ["a_fn", "b_fn"], ["json/decoder.pyc"])


def test_missing_pin_file_names_the_fix(tmp_path):
    with pytest.raises(BuildError, match=r"pin file .*nope\.txt: No such file.*pyprofile"):
        read_pins(tmp_path / "nope.txt")


def test_pin_list_of_another_optimizer_version_is_refused(tmp_path):
    """A function the list misses traps (Unreachable) in the call that needs it; in a callback
    that loses a settlement: a list measured on another python.wasm is refused, not trusted."""
    mine = tmp_path / "mine.txt"
    write_pins(mine, "0.0.1", ["f"], [], "a test")
    shipped = read_pins(PINS_FILE)[0]
    with pytest.raises(BuildError, match=rf"{mine}.*measured on cpython-near-wasm-opt 0\.0\.1, "
                                         rf"this machine has {shipped}.*pyprofile"):
        _cpython._pins(shipped, 5, [mine])
    assert _cpython._pins(shipped, 1, [mine]) == ([], [])  # -O1 cuts no function
    functions, _ = _cpython._pins(shipped, 5, [])
    assert functions == read_pins(PINS_FILE)[1]


def _wat(node) -> str:
    if isinstance(node, list):
        return "(" + " ".join(_wat(x) for x in node) + ")"
    return str(node)


def test_trace_once_reports_each_function_once_per_instance():
    """The profiler's instrumentation: cpython-near-wasm-opt's ``call $trace_function_call`` at
    every function entry, guarded by a flag global so that a function entered a million times
    reports once per call (the module is assembled and run here)."""
    import wasmtime

    instrumented = [
        "module",
        ["import", '"env"', '"trace_function_call"',
         ["func", "$trace_function_call", ["param", "i32"]]],
        ["func", "$leaf", ["call", "$trace_function_call", ["i32.const", 7]]],
        ["func", "$run", ["export", '"run"'],
         ["call", "$trace_function_call", ["i32.const", 9]],
         ["call", "$leaf"], ["call", "$leaf"], ["call", "$leaf"]],
    ]
    calls = []
    engine = wasmtime.Engine()
    module = wasmtime.Module(engine, _wat(_trace_once(copy.deepcopy(instrumented))))
    for _ in range(2):  # a new instance: its flags start clear (NEAR instantiates per call)
        store = wasmtime.Store(engine)
        trace = wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()], []),
                              calls.append)
        wasmtime.Instance(store, module, [trace]).exports(store)["run"](store)
    assert calls == [9, 7, 9, 7]
    # the optimizer's own instrumentation reported every entry
    store = wasmtime.Store(engine)
    plain = []
    trace = wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()], []), plain.append)
    wasmtime.Instance(store, wasmtime.Module(engine, _wat(instrumented)), [trace]).exports(
        store)["run"](store)
    assert plain == [9, 7, 7, 7]


PROFILED = """(module
  (import "env" "trace_function_call" (func $trace (param i32)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (memory 1)
  (data (i32.const 0) "\\"ok\\"")
  (func (export "go")
    (call $trace (i32.const 12345))
    (call $value_return (i64.const 4) (i64.const 0))))
"""


def test_runtime_links_the_trace_imports_only_while_a_profiler_is_set(tmp_path):
    """An instrumented build imports env.trace_*, which are not NEAR host functions: without a
    profiler the runtime refuses it as nearcore does (a link error), with one it records."""
    from near_safe.builder.pyprofile import Recorder
    from near_safe.testing import NEAR, Runtime
    from near_safe.testing.vm import wasm

    contract = tmp_path / "profiled.wat"
    contract.write_text(PROFILED)
    rt = Runtime(mode="wasm")
    c = rt.deploy("p.near", contract, balance=10 * NEAR)
    refused = c.call(c, "go", {})
    assert "trace_function_call" in refused.error, refused
    recorder = Recorder()
    previous = wasm.set_profiler(recorder)
    try:
        out = c.call(c, "go", {})
    finally:
        wasm.set_profiler(previous)
    assert out.error is None and out.value == "ok", out
    assert recorder.hashes == {12345}
    assert "trace_function_call" in c.call(c, "go", {}).error  # unlinked again


def test_function_names_come_from_the_name_section():
    """pyprofile maps the instrumentation's fnv1a hashes back to python.wasm's names through
    the Wasm's name section (here a module assembled with its names)."""
    import wasmtime

    from near_safe.builder.pyprofile import function_names

    wasm = wasmtime.wat2wasm('(module (func $alpha) (func $beta_2 (export "b")))')
    assert function_names(wasm) == ["alpha", "beta_2"]
    # imports come first; an unnamed function is named by its index among the defined ones, as
    # binaryen's wasm-dis names it (python.wasm has 92: missing from the pins, they trapped)
    wasm = wasmtime.wat2wasm('(module (import "env" "f" (func $imp)) (memory 1) (func $alpha)'
                             ' (func) (func $beta_2 (export "b")))')
    assert function_names(wasm) == ["imp", "alpha", "1", "beta_2"]
    assert function_names(wasmtime.wat2wasm("(module)")) == []


def test_parameter_override_is_for_tools_and_checked():
    from near_safe.testing import params

    with pytest.raises(ValueError, match=r"'limits' \['no_such_limit'\]"):
        params.override("limits", no_such_limit=1)
    with pytest.raises(ValueError, match="name the group limits or ext_costs"):
        params.override("fees", x=1)


def test_pyprofile_usage_errors_exit_2(capsys):
    from near_safe.builder.pyprofile import main

    assert main([]) == 2
    assert "name the tests to profile" in capsys.readouterr().err
    assert main(["--out"]) == 2
    assert "--out needs a file name" in capsys.readouterr().err


def test_stdlib_imports_follow_module_level_imports_through_the_stdlib_bytecode(tmp_path):
    """The modules a staged module imports at module level are kept, and what those import in
    turn (read from the stdlib zip's bytecode, relative imports too); an import inside a
    function is not followed (a CPython-only checker's `import inspect` would add ~200 KB)."""
    import importlib.util
    import marshal
    import zipfile

    from near_safe.builder._cpython import stdlib_imports

    def pyc(source: str) -> bytes:
        return importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(compile(source, "m", "exec"))

    stdlib = tmp_path / "python-stdlib.zip"
    with zipfile.ZipFile(stdlib, "w") as z:
        z.writestr("json/__init__.pyc", pyc("from .decoder import JSONDecoder\n"))
        z.writestr("json/decoder.pyc", pyc("import re\n"))
        z.writestr("re/__init__.pyc", pyc("x = 1\n"))
        z.writestr("inspect.pyc", pyc("import ast\n"))
        z.writestr("ast.pyc", pyc(""))
        z.writestr("unused.pyc", pyc(""))
    site = tmp_path / "site"
    (site / "near_safe").mkdir(parents=True)
    (site / "near_safe" / "__init__.py").write_text(
        "import json\n\ndef check():\n    import inspect\n")
    assert stdlib_imports(site, stdlib) == {"json/__init__.pyc", "json/decoder.pyc",
                                            "re/__init__.pyc"}
