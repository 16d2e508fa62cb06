"""The same contracts and calls in Wasm mode and CPython mode give the same observable result:
status, return value, logs, receipts, state and money (up to gas, see pymode_world.observe).

Each test runs the call in both modes and compares them, then checks the expected facts in one
mode (they hold in both, being equal).  The probe contract's expectations were measured in Wasm
mode (nearc 0.8.8's MicroPython), which CPython mode mirrors.
"""

import json
from pathlib import Path

import pytest
from pymode_world import observe, paid_beyond_gas

from near_safe.testing import NEAR, TGAS

NEAR_ABORT = "NEAR_ABORT() called by handle_uncaught_exception() (main.c:143), terminating"


def line_of(contract: str, text: str) -> int:
    """The line number of ``text`` in a test contract (tracebacks show real lines)."""
    lines = (Path(__file__).parent / "contracts" / contract).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def both(worlds, account, method, args=None, **kw):
    """Call ``method`` of ``account`` as alice in both modes; return the observations and the
    Wasm-mode outcome after asserting that the modes agree."""
    outs = {m: w.alice.call(getattr(w, account), method, args or {}, **kw)
            for m, w in worlds.items()}
    seen = {m: observe(o) for m, o in outs.items()}
    assert seen["python"] == seen["wasm"]
    return seen["wasm"], outs["wasm"]


def storage_agrees(worlds, account_id):
    states = {m: dict(w.rt.storage(account_id)) for m, w in worlds.items()}
    assert states["python"] == states["wasm"]
    return states["wasm"]


def test_context_functions_return_the_same_types_and_values(worlds):
    seen, out = both(worlds, "probe", "context", {"x": 1}, deposit=7)
    assert out.raw_value == b"raw bytes"
    assert seen["logs"] == [
        "'probe.near' 'alice.near' 'alice.near'",
        "b'{\"x\":1}' b'{\"x\":1}' 7",  # input_as_str returns bytes, as modnear.c does
        "'int' 0 32",
        "'int' 0",
        "0 33",
    ]


def test_storage_functions_return_old_values_and_none_when_absent(worlds):
    seen, out = both(worlds, "probe", "storage")
    assert seen["logs"] == [
        "None False",
        "None b'v1'",
        "b'v2' True",
        "b'v2' None False",
    ]
    assert out.value == "str value"
    assert storage_agrees(worlds, "probe.near") == {b"kept": b"yes"}


def test_registers_hashes_and_module_helpers(worlds):
    seen, _ = both(worlds, "probe", "registers")
    assert seen["logs"] == [
        "b'abc' 'abc' 3",
        "18446744073709551615 18446744073709551615",
        "32 32 64 20",
        "True None None",
    ]


def test_argument_errors_are_raised_after_the_builtin_ran(worlds):
    """nearc's NLR_WASM: the builtin runs on its fallback values, then the (last) pending
    exception is raised - e.g. a storage_write with an int key writes the empty key."""
    seen, _ = both(worlds, "probe", "conversions")
    assert seen["logs"] == [
        "msg",  # log_utf8(msg="x") logged the keyword's NAME
        "kw TypeError function doesn't take keyword arguments",  # the first raise wins
        "a",
        "two TypeError function takes 1 positional arguments but 2 were given",
        "big OverflowError overflow converting long int to machine word",
        "float TypeError can't convert float to int",
        "bool ok 18446744073709551615",
        "tuple TypeError promise_indices should be a list of promise indices",
        "badkey TypeError A str or bytes value is required",
        "read ok b'empty key written'",
        "ed3 TypeError function takes 4 positional arguments but 3 were given",
        "ecrecover TypeError hash and sig must be bytes and malleability_flag must be bool",
        "bytes_args TypeError A str value is required",
    ]


def test_pending_type_error_then_host_error_aborts(worlds):
    seen, _ = both(worlds, "probe", "bad_amount")
    assert seen["status"] == "failure"
    assert seen["error"] == "0 does not correspond to existing promises"


def test_stdout_goes_to_logs_cooked_and_print_goes_nowhere(worlds):
    seen, _ = both(worlds, "probe", "streams")
    assert seen["logs"] == [
        "line one\r", "line two\r", "to stderr\r", "\r",
        "y" * 119, "y" * 11 + "\r",
        "no newline at the end",
    ]


def test_every_call_starts_from_fresh_module_state(worlds):
    for _ in range(2):
        _, out = both(worlds, "probe", "fresh_state")
        assert out.value == 1


def test_uncaught_exception_prints_a_traceback_then_panics(worlds):
    seen, _ = both(worlds, "probe", "boom")
    assert seen["logs"] == [
        "before",
        "Traceback (most recent call last):",
        f'  File "probe.py", line {line_of("probe.py", "    _helper()")}, in boom',
        f'  File "probe.py", line {line_of("probe.py", "raise ValueError")}, in _helper',
        "ValueError: ('boom', 42)",
        NEAR_ABORT,
    ]
    assert seen["error"] == "Smart contract panicked: explicit guest panic"


def test_system_exit_in_a_method_is_an_uncaught_exception(worlds):
    seen, _ = both(worlds, "probe", "exit_call")
    assert seen["logs"][-2:] == [
        "SystemExit: 3",
        NEAR_ABORT,
    ]


def test_a_host_error_cannot_be_caught_by_the_contract(worlds):
    seen, _ = both(worlds, "probe", "caught_panic")
    assert seen["logs"] == []
    assert seen["error"] == "Smart contract panicked: stops the call"


def test_a_host_error_survives_a_bare_except(worlds):
    seen, _ = both(worlds, "probe", "bare_except")
    assert seen["logs"] == [] and seen["value"] is None
    assert seen["error"] == "Smart contract panicked: first error wins"


@pytest.mark.parametrize("method, error", [
    ("panic_plain", "Smart contract panicked: explicit guest panic"),
    ("abort_msg", "Smart contract panicked: aborted"),
    # an undefined name is a NameError on near_safe's port (patch 0007; plain nearc's traps:
    # test_port_models.py)
    ("undefined", "Smart contract panicked: explicit guest panic"),
    ("file_name", "Smart contract panicked: explicit guest panic"),
    ("deep_recursion", "WebAssembly trap: StackOverflow"),
    ("no_such_method", "MethodNotFound"),
    ("too_much_gas", "Exceeded the prepaid gas."),
])
def test_failures_agree(worlds, method, error):
    seen, _ = both(worlds, "probe", method)
    assert seen["status"] == "failure"
    assert seen["error"] == error


def test_yield_token_is_not_a_valid_str(worlds):
    """promise_yield_create reads the 32-byte data id with read_register_as_str: UnicodeError
    (the yield itself was created)."""
    seen, _ = both(worlds, "probe", "yield_token")
    assert seen["logs"] == ["yield UnicodeError "]


def test_module_body_exception_is_printed_and_the_method_still_runs(worlds):
    seen, out = both(worlds, "modfail", "still_runs")
    assert out.value == "ran"
    assert seen["logs"] == [
        "Traceback (most recent call last):\r",
        f'  File "modfail.py", line {line_of("modfail.py", "raise RuntimeError")}, in <module>\r',
        "RuntimeError: module body failed\r",
    ]


def test_class_contract_is_exported_through_an_instance_and_imports_local_modules(worlds):
    seen, out = both(worlds, "greeter", "greet", {"name": "bob"})
    # one instance and one import of the local module per call
    assert out.value == {"greeting": "hello bob #1", "instances": 1}
    assert seen["logs"] == ["INFO: hello bob #1"]
    seen, out = both(worlds, "greeter", "greet", {"name": "carol"})
    assert out.value == {"greeting": "hello carol #1", "instances": 1}
    assert storage_agrees(worlds, "greeter.near")
    seen, out = both(worlds, "greeter", "last")
    assert out.value == "carol"


def test_class_method_named_with_underscore_is_exported_but_unbound(worlds):
    seen, _ = both(worlds, "greeter", "_private")
    assert seen["logs"] == ["NameError: name '_private' isn't defined", NEAR_ABORT]
    assert seen["error"] == "Smart contract panicked: explicit guest panic"


def test_an_undefined_name_inside_try_is_a_name_error(worlds):
    seen, _ = both(worlds, "probe", "caught_undefined")
    assert seen["status"] == "success"


def test_cross_contract_call_with_callback_success(worlds):
    paid = {}
    for mode, world in worlds.items():
        before = world.rt.balance("alice.near")
        out = world.alice.call(world.caller, "forward",
                               {"target": "target.near", "method": "add", "args": {"by": 3}},
                               deposit=NEAR, gas=100 * TGAS)
        paid[mode] = (paid_beyond_gas(world, before, out), observe(out))
    assert paid["python"] == paid["wasm"]
    kept, seen = paid["wasm"]
    assert kept == NEAR  # the target kept the deposit
    assert seen["value"] == b'[1, "3"]'
    assert [r[:3] for r in seen["receipts"]] == [
        ("caller.near", "alice.near", "forward"),
        ("target.near", "caller.near", "add"),
        ("caller.near", "caller.near", "on_done"),
    ]
    assert seen["logs"] == [f"INFO: n=3 deposit={NEAR}", "status 1 data b'3'"]
    assert storage_agrees(worlds, "target.near") == {b"n": b"3"}
    assert storage_agrees(worlds, "caller.near") == {}


def test_cross_contract_call_failure_refunds_the_deposit(worlds):
    paid = {}
    for mode, world in worlds.items():
        before = world.rt.balance("alice.near")
        out = world.alice.call(world.caller, "forward",
                               {"target": "target.near", "method": "fail", "args": {}},
                               deposit=NEAR, gas=100 * TGAS)
        paid[mode] = (paid_beyond_gas(world, before, out), observe(out))
    assert paid["python"] == paid["wasm"]
    kept, seen = paid["wasm"]
    assert kept == 0  # the deposit came back, through the callback's transfer
    assert seen["logs"] == ["status 2 data None", f"refunded {NEAR}"]
    assert seen["error"] == "Smart contract panicked: Unexpected error: target failed: no"
    assert storage_agrees(worlds, "target.near") == {}  # the failed receipt rolled back


def test_dict_order_is_micropythons(worlds):
    """MicroPython's dicts iterate in hash-table order, CPython's in insertion order; CPython
    mode gives contract code MicroPython's order (_pymode.MPDict): in loops, repr and
    json.dumps, for displays, incremental dicts with deletions, comprehensions, dict() and
    json.loads results."""
    raw = {m: w.alice.call(w.probe, "dict_json", {}).raw_value for m, w in worlds.items()}
    assert raw["python"] == raw["wasm"] == b'{"amount": "5", "data": "x", "status": 1}'
    keys = {m: w.alice.call(w.probe, "dict_order", {}).value for m, w in worlds.items()}
    assert keys["python"] == keys["wasm"] == "m b owner_id zebra total apple"
    seen, _ = both(worlds, "probe", "dict_orders")
    assert len(seen["logs"]) == 9


@pytest.mark.parametrize("method", ["contract_source_metadata", "__contract_abi"])
def test_functions_nearc_injects_agree(worlds, method):
    from near_safe.builder._build import abi_runs_the_contract

    seen, out = both(worlds, "probe", method)
    if method == "__contract_abi" and abi_runs_the_contract():
        # nearc >= 0.9's ABI step runs the contract: the builder (and so CPython mode) skip it
        assert seen["status"] == "failure"
        return
    assert seen["status"] == "success" and out.raw_value


def test_log_split_inside_a_utf8_character_is_bad_utf8(worlds):
    """main.c cuts stdout into 119-byte logs, even inside a UTF-8 sequence: log_utf8 fails."""
    seen, _ = both(worlds, "probe", "split_utf8")
    assert seen["logs"] == []
    assert seen["error"] == "String encoding is bad UTF-8 sequence."


def test_the_contract_module_runs_as_main(worlds):
    """pyexec_frozen_module runs the contract in MicroPython's __main__ module."""
    _, out = both(worlds, "probe", "module_name")
    assert out.value == "__main__"


def test_view_calls_agree(worlds):
    views = {}
    for mode, world in worlds.items():
        world.alice.call(world.target, "add", {"by": 4}).unwrap()
        views[mode] = world.rt.view(world.target, "get", {})
    assert views["python"] == views["wasm"] == 4


def test_a_view_that_writes_fails_alike(worlds):
    from near_safe.errors import ExecutionFailure

    errors = {}
    for mode, world in worlds.items():
        with pytest.raises(ExecutionFailure) as failure:
            world.rt.view(world.probe, "view_writes", {})
        errors[mode] = str(failure.value)
    assert errors["python"] == errors["wasm"]
    assert "storage_write is not allowed in view calls" in errors["wasm"]


def test_host_limits_agree(worlds):
    seen, _ = both(worlds, "probe", "many_logs")
    assert seen["error"] == "The number of logs will exceed the limit 100"
    assert seen["logs"] == [str(i) for i in range(100)]  # kept on the failed receipt


def test_json_behaves_like_micropythons(worlds):
    """CPython mode swaps MicroPython's json semantics in for the call (see _pymode).  (Not
    logged through repr here: MicroPython's repr escapes non-ASCII characters.)"""
    seen, out = both(worlds, "probe", "json_module")
    assert seen["logs"] == [
        ("dumps ok '[\"e\", \"raw\", [1, 2], {\"k\": null}, 1000000000000000000000000000000,"
         " 1.5]'"),
        "dumps_sep ok '[1,{\"a\":2}]'",
        "dumps_key ok '{\"1\": true}'",
        "loads_trailing_comma ok [1, 2]",
        "loads_bad ValueError syntax error in JSON",
        "loads_nan ValueError syntax error in JSON",
        "loads_extra ValueError syntax error in JSON",
        "loads_none TypeError object with buffer protocol required",
        "loads_escape ok 'A\\n'",
    ]
    assert out.raw_value == '{"name": "Jos\u00e9"}'.encode()  # UTF-8, not \\u00e9


def test_missing_dict_key_or_list_index_is_a_key_or_index_error(worlds):
    """near_safe's port raises KeyError/IndexError (plain nearc's raises TypeError:
    test_port_models.py); CPython mode compiles contract code so that it does the same."""
    seen, _ = both(worlds, "probe", "missing_key")
    assert seen["logs"] == [
        "5",
        "KeyError: only CPython would get here",
        "list_in_allocation IndexError list index out of range",
        "list_past_allocation IndexError list index out of range",
        "tuple IndexError tuple index out of range",
        "str IndexError string index out of range",
        "slice ok [2, 3]",
    ]


def test_near_sdk_py_events_and_json_state_agree(worlds):
    """near_sdk_py builds the event's envelope dict in its own code (a plain dict in CPython
    mode); the contract's dicts are MPDicts: logs, state and result are the same bytes."""
    seen, out = both(worlds, "target", "emit", {"owner": "carol.near"})
    assert seen["logs"][0].startswith("EVENT_JSON:{")
    assert json.loads(seen["logs"][0][len("EVENT_JSON:"):])["data"]["to"] == "bob.near"
    state = storage_agrees(worlds, "target.near")
    assert json.loads(state[b"config"]) == {"owner": "carol.near", "fee": 5, "paused": False,
                                            "admins": ["carol.near"]}
    assert out.value == {"owner": "carol.near", "ok": True, "fee": 5}


def test_dict_key_errors_read_as_in_micropython(worlds):
    seen, _ = both(worlds, "probe", "dict_errors")
    assert seen["logs"][:4] == [
        "pop KeyError missing",
        "popitem KeyError popitem(): dictionary is empty",
        "del KeyError missing",
        "get ok 'default'",
    ]
    assert "KeyError: missing" in seen["logs"]


def test_division_by_zero_reads_as_in_micropython(worlds):
    seen, _ = both(worlds, "probe", "division")
    assert seen["logs"] == [
        "div ZeroDivisionError divide by zero",
        "floordiv ZeroDivisionError divide by zero",
        "mod ZeroDivisionError divide by zero",
        "format ok 'a-3'",
        "float ZeroDivisionError divide by zero",
    ]
    _, out = both(worlds, "probe", "arithmetic")
    assert out.value == "1 -4 3.5"


def test_int_and_float_errors_read_as_in_micropython(worlds):
    seen, _ = both(worlds, "probe", "conversions_of_numbers")
    assert seen["logs"] == [
        "int ValueError invalid syntax for integer with base 10",
        "int16 ValueError invalid syntax for integer with base 16",
        "int_none TypeError can't convert NoneType to int",
        "int_ok ok 12",
        "float ValueError invalid syntax for number",
        "float_none TypeError can't convert NoneType to float",
    ]


def test_gas_figures_come_from_wasm_mode(worlds):
    """CPython mode charges the same host costs but no Wasm instructions and no contract
    loading: the same call burns a fraction of Wasm mode's VM gas (figures: bench_modes)."""
    burnt = {}
    for mode, world in worlds.items():
        out = world.alice.call(world.target, "add", {"by": 1})
        burnt[mode] = out.receipt("add").vm_gas_burnt
    assert burnt["wasm"] > 3 * TGAS  # MicroPython start-up and the frozen imports
    assert 0 < burnt["python"] < burnt["wasm"] / 5


def test_a_local_module_the_builder_does_not_freeze_cannot_be_imported(worlds):
    """near_safe's port raises ImportError (patch 0006); plain nearc's OSError ENOENT
    (test_port_models.py)."""
    seen, _ = both(worlds, "probe", "import_unfrozen")
    assert seen["logs"][0] == "1"
    assert seen["logs"][-2:] == ["ImportError: no module named 'unfrozen_helper'", NEAR_ABORT]
    assert seen["error"] == "Smart contract panicked: explicit guest panic"
