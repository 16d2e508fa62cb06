"""CPython mode: run a contract's Python source under CPython against the same VMLogic.

Issue 2, section 3: "A second mode runs the contract's Python source under CPython against the
same runtime (a `near` module bound to the runtime), for fast debugging and coverage; the same
test can run in both modes.  Gas figures come from Wasm mode."  Entry point: :func:`run_python`,
called by ``vm.run`` for ``ContractCode(kind="python")``.

What it mirrors of Wasm mode (nearc 0.8.8's MicroPython port ``ports/webassembly-near`` as
near_safe.builder builds it; each point was checked against Wasm mode, tests/pymode):

* ``near`` module: :class:`NearHost` has one method per function of nearc's ``modnear.c``, with
  the same argument conversions (str-only vs str-or-bytes, 32-bit ``mp_obj_get_int`` vs u64/u128
  conversions) and return types.  Each makes the same VMLogic host calls, in the same order, as
  the C code, through a scratch memory (``_pymemory.ScratchMemory``) standing in for the Wasm's
  linear memory: host semantics and host (ext) costs are shared between modes.
* nearc's MicroPython raises with MICROPY_NLR_WASM: a C function that raises goes on running
  with fallback values and the exception surfaces when it returns.  So argument errors come
  after the host calls (``near.storage_write(1, b"v")`` writes the empty key, then TypeError;
  ``near.log_utf8(msg="x")`` logs "msg", then TypeError), as ``_modnear._guard`` reproduces.
* One call = ``run_frozen_fn`` of nearc's ``main.c``: execute the contract module as
  ``__main__`` (no ``__file__``) in a fresh namespace, with what nearc's injections append
  (class exports, ``__contract_abi``, ``contract_source_metadata``), then call the method.  Only
  the builder's exports are callable; any other name is a nop ``MethodNotFound``.
* Output: ``sys.stdout``/``sys.stderr`` writes are "cooked" (``\n`` -> ``\r\n``) into
  ``main.c``'s 120-byte log buffer, one ``log_utf8`` per line or per 119 bytes; ``print()``
  output never reaches the logs (measured).  An exception escaping the module body is printed
  (cooked) and the method still runs; one escaping the method is printed (raw), followed by the
  ``NEAR_ABORT()`` line, then ``panic()``: ``Smart contract panicked: explicit guest panic``.
  An undefined name traps at once, even inside ``try`` (``WebAssembly trap: Unreachable``,
  through ``_mpobjects._FrozenBuiltins``); a runaway recursion that escapes traps
  (``StackOverflow``).
* A host error ends the call at once in the Wasm; here it is raised as :class:`HostAbort`, a
  BaseException ``except Exception`` does not catch; should contract code catch it anyway
  (bare ``except:``), every later ``near.*`` call re-raises it, and the recorded abort decides
  the outcome.
* ``json.loads``/``json.dumps`` behave like MicroPython's during the call (``_mpjson``).
* What the builder refuses (no export, an import MicroPython cannot have) CPython mode refuses
  with the same BuildError.
* Contract code (the contract and its local modules) is compiled with its subscripts going
  through ``_mpobjects._mp_subscr``: a missing dict key raises ``TypeError: 'dict' object isn't
  subscriptable`` as in the Wasm, not KeyError (so ``except KeyError`` around ``d[k]`` does not
  catch it in either mode; use ``d.get(k)``).  Its dicts are :class:`MPDict`: they iterate in
  MicroPython's hash-table order (loops, repr, ``json.dumps``), as do ``json.loads`` results.

Differences from Wasm mode that remain (inherent to running CPython instead of MicroPython):

* Gas: only host (ext) costs and action fees are charged, by the same VMLogic; no Wasm op gas
  and no contract-loading fee.  A trivial near-sdk-py method burns about 3.5 Tgas in Wasm mode
  and under 0.2 Tgas here (bench/bench_modes.py prints both).  Gas figures come from Wasm mode.
  So a call that runs out of gas in Wasm mode may succeed here; gas exhausted by host costs or
  by attached gas is GasExceeded exactly as in Wasm mode.  Refunds, the contract's 30% reward
  and gas-weight distribution follow from the lower gas.
* Module state: the contract module and its local sibling modules run afresh each call, but
  installed packages are imported once per process.  For ``near_sdk_py`` and near_safe's
  contract side the module-level data is put back after every call
  (``_loading._SharedModuleState``); attributes of their classes and the state of any other
  installed package survive between calls, unlike in Wasm.
* Python itself: CPython's builtins, not MicroPython's.  Mirrored for contract code: division
  by zero, ``int()``/``float()`` failures, KeyErrors of its dicts, dict order.  Other texts
  differ (``list.remove``, ``str.index``, repr of non-ASCII str), ``str(float)`` has up to
  17 digits here and 16 there.  Dicts made outside contract code (in installed packages,
  ``**kwargs``) are ordered in ``json.dumps`` as if they were displays of their size (right
  for near_sdk_py's event dicts; a guess otherwise) and iterate in insertion order elsewhere;
  ``type(d) is dict`` is False for contract dicts (use ``isinstance``); keys other than str,
  bytes and int hash approximately.  MicroPython failures under NLR_WASM not reproduced:
  subscripts inside installed packages and ``d[k] += 1`` keep CPython's KeyError,
  ``[1].remove(2)`` traps in the Wasm (MemoryOutOfBounds), too deep a recursion traps even
  inside ``try`` there (here only when it escapes), and some sequences of caught exceptions
  corrupt the Wasm's later execution (seen: a trap after five caught ZeroDivisionErrors).  No
  64 MiB memory limit; CPython's recursion limit.
* The runtime deploys the source in CPython mode: the account's storage usage counts its bytes,
  not the Wasm's (about 380 KB), so storage staking locks far less (a contract account with
  less than about 4 NEAR can pass here and fail with LackBalanceForState in Wasm mode).
* Local modules: only those the builder freezes import (``OSError: [Errno 2] ENOENT`` for
  the others, as in the Wasm), when the deployed source is the file on disk; otherwise
  (a source changed since deployment) every ``.py`` of the contract's folder imports.
* Tracebacks in the logs keep MicroPython's format and file names but list only the frames
  MicroPython would have (contract, local modules, packages); line numbers of multi-line
  statements may differ.
* One call at a time per process: a call swaps ``sys.stdout``, ``sys.stderr``, ``print``,
  ``sys.breakpointhook`` and ``json``'s two functions, and restores them after.

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
