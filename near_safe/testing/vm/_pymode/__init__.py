"""CPython mode: run a contract's Python source under CPython against the same VMLogic.

Issue 2, section 3: "A second mode runs the contract's Python source under CPython against the
same runtime (a `near` module bound to the runtime), for fast debugging and coverage; the same
test can run in both modes.  Gas figures come from Wasm mode."  Entry point: :func:`run_python`,
called by ``vm.run`` for ``ContractCode(kind="python")``.

What it reproduces of the MicroPython port (near_safe's patched port or plain nearc's:
``_mpport.Port``), what it refuses, where it differs and how ``--near-mode=both`` catches the
differences: docs/cpython-mode.md.  The parts:

* ``_modnear``: the ``near`` module of nearc's ``modnear.c`` on VMLogic (``NearHost``);
* ``_mainc``: main.c's log buffer, ``print`` and MicroPython's traceback format;
* ``_loading``: the contract as the builder freezes it (nearc's injections), local modules,
  the shared packages' module state;
* ``_mpobjects``: contract code's AST rewrite and builtins (operators, orders, sort, names);
* ``_mpjson``: MicroPython's ``json``;
* ``_mpport``: the ports, the heap budget, the recursion limit, the NLR-defect flag;
* ``_mpbuild``: what the Wasm build refuses (mpy-cross, constants) and failed frozen imports;
* ``_crosscheck``: every call also run in Wasm mode (``--near-mode=both``);
* ``_difffuzz``: the differential fuzzer between the modes.

For debugging: ``breakpoint()`` in a contract opens pdb on the caller's terminal (pytest: use
``-s``), and :data:`last_exception` keeps the last exception a contract let escape, with its
CPython traceback.
"""

from __future__ import annotations

import builtins
import json
import os
import sys

from .... import _host  # the `near` stand-in, in sys.modules while a call runs (bind)
from ..._types import FunctionCallError
from .._pymemory import ScratchMemory
from ..logic import VMLogic
from ._loading import (
    SHARED_MODULES,
    _by_code,
    _Contract,
    _LocalImports,
    _shared,
    load_contract,
)
from ._mainc import (
    NEAR_ABORT_LINE,
    LogBuffer,
    _LogStream,
    _mp_print,
    format_mp_exception,
)
from ._modnear import _ABORT_TYPES, _LAST_WINS, HostAbort, NearHost, _trap
from . import _crosscheck
from ._crosscheck import ModeDisagreement
from ._mpjson import _mp_json_dumps, _mp_json_loads
from ._mpobjects import _FROZEN_BUILTINS, MPDict, MPSet, _MPNameError, _running, _wasm_trap_for
from ._mpport import (DEFAULT_PORT, PORTS, CallState, Port, RecursionLimit, nlr_failure,
                      resolve_port)
from ._mpport import _call as _port_call

__all__ = ["DEFAULT_PORT", "PORTS", "SHARED_MODULES", "HostAbort", "LogBuffer", "MPDict", "MPSet",
           "ModeDisagreement",
           "NearHost", "Port", "format_mp_exception", "last_exception", "load_contract",
           "resolve_port", "run_python"]


def run_python(code, method_name: str, context, storage: dict, ext, config):
    """Run ``method_name`` of the contract at ``code.source_path`` under CPython (CPython mode's
    ``vm.run``).  Returns the VMOutcome, like the Wasm runner."""
    from .. import nop_outcome

    if not method_name:
        return nop_outcome(context, FunctionCallError(
            "MethodEmptyName", "MethodEmptyName", "MethodEmptyName"))
    source = getattr(code, "code", None) or None
    if source is not None:
        key = (code.source_path, code.hash)
        contract = _by_code.get(key)
        if contract is None:
            contract = _by_code[key] = load_contract(code.source_path, source, code.hash)
    else:
        contract = load_contract(code.source_path)
    # the Wasm exports exactly the builder's list: anything else is a nop MethodNotFound, with
    # no loading fee (as wasm.run_wasm)
    if method_name not in contract.exports:
        return nop_outcome(context, FunctionCallError(
            "MethodNotFound", "MethodNotFound", "MethodNotFound"))

    port = resolve_port(getattr(code, "port", None))
    if _crosscheck.enabled():
        recording = _crosscheck.RecordingExt(ext)
        outcome = _run(contract, method_name, context, storage, recording, config, port)
        _crosscheck.check(code, port, method_name, context, storage, ext, config, outcome,
                          recording.ids)
        return outcome
    return _run(contract, method_name, context, storage, ext, config, port)


def _run(contract, method_name, context, storage, ext, config, port):
    memory = ScratchMemory()
    logic = VMLogic(context, storage, ext, config, memory)
    host = NearHost(logic, memory, _ABORT_TYPES)
    log = LogBuffer(host)
    stream = _LogStream(log)
    state = CallState(host, port, contract.heap_baseline)
    try:
        _call(contract, method_name, host, log, stream, state)
    except HostAbort:
        pass
    aborted = host._abort
    if aborted is None and state.nlr_site is not None:
        return logic.outcome(nlr_failure(state))
    return logic.outcome(aborted.error.error if aborted is not None else None)


def _call(contract: _Contract, method_name: str, host: NearHost, log: LogBuffer, stream,
          state: CallState):
    """``run_frozen_fn(file, fn)`` of nearc's main.c."""
    bind = _host.bind
    previous = bind(host)  # also puts the `near` stand-in in sys.modules for the call
    shared = _shared()  # the first one imports near_sdk_py, which does `import near`
    _running[0] = host
    _port_call[0] = state
    _LAST_WINS[0] = state.port.last_exception_wins
    saved = (sys.stdout, sys.stderr, builtins.print, sys.breakpointhook, json.loads,
             json.dumps)
    sys.stdout = sys.stderr = stream
    builtins.print = _mp_print
    sys.breakpointhook = _debugger_for(saved[0])
    json.loads, json.dumps = _mp_json_loads, _mp_json_dumps
    try:
        with _LocalImports(contract):
            # the frozen module runs as __main__, without __file__ (reading it traps in Wasm)
            namespace = {"__name__": "__main__", "__builtins__": _FROZEN_BUILTINS}
            # pyexec_frozen_module: an exception escaping the module body is printed (through
            # mp_plat_print: cooked, "\r\n") and the call goes on; SystemExit silently
            try:
                exec(contract.code, namespace)  # noqa: S102
            except HostAbort:
                raise
            except SystemExit:
                pass
            except BaseException as exc:  # noqa: BLE001  mirrors MicroPython's handler
                if _wasm_trap_for(exc):
                    raise _trap(host, _wasm_trap_for(exc)) from None
                _print_exception(exc, contract, log, cooked=True)
            # mp_load_name + mp_call_function_0; uncaught -> handle_uncaught_exception:
            # mp_obj_print_exception(&mp_stderr_print) (raw), NEAR_ABORT() = printf + panic()
            fn = namespace.get(method_name, vars(builtins).get(method_name))
            if fn is None:  # mp_load_name's NameError leaves NULL: nearc's port traps
                if state.port.undefined_name_traps:
                    raise _trap(host, "Unreachable")
                # near_safe's port (patch 0007): the NameError escapes the call
                _print_exception(_MPNameError(f"name '{method_name}' isn't defined"), contract,
                                 log, cooked=False)
                log.flush()
                log.write_bytes(NEAR_ABORT_LINE)
                log.flush()
                host.panic()
            try:
                with RecursionLimit(state.port):
                    fn()
            except HostAbort:
                raise
            except BaseException as exc:  # noqa: BLE001
                if _wasm_trap_for(exc):
                    raise _trap(host, _wasm_trap_for(exc)) from None
                _print_exception(exc, contract, log, cooked=False)
                log.flush()
                log.write_bytes(NEAR_ABORT_LINE)
                log.flush()
                host.panic()  # -> "Smart contract panicked: explicit guest panic"
            log.flush()
    finally:
        (sys.stdout, sys.stderr, builtins.print, sys.breakpointhook, json.loads,
         json.dumps) = saved
        bind(previous)
        _running[0] = None
        _port_call[0] = None
        shared.restore()


last_exception = None
"""The last exception that escaped a contract method or module body in CPython mode (the logs
only hold MicroPython's short traceback).  For debugging: ``pdb.post_mortem(
last_exception.__traceback__)`` or ``traceback.print_exception(last_exception)``."""


def _debugger_for(terminal):
    """``breakpoint()`` inside a contract (CPython mode only: MicroPython has no debugger, the
    Wasm traps on the unknown name): pdb talks to the streams of the caller (``terminal``), not
    to the contract's stdout, which goes to the logs.  Under pytest, run with ``-s``."""

    def hook(*args, **kwargs):
        if os.environ.get("PYTHONBREAKPOINT") == "0":
            return
        import pdb  # noqa: T100  the point of this hook

        debugger = pdb.Pdb(stdin=sys.stdin, stdout=terminal)
        debugger.set_trace(sys._getframe(1))
        return

    return hook


def _print_exception(exc: BaseException, contract: _Contract, log: LogBuffer,
                     cooked: bool) -> None:
    global last_exception
    last_exception = exc
    tb = exc.__traceback__
    # drop this module's own frames (run_frozen_fn is C in the Wasm)
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    text = format_mp_exception(exc, tb, contract)
    if cooked:
        text = text.replace("\n", "\r\n")
    log.write_bytes(text.encode("utf-8", "surrogatepass"))
