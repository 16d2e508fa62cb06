"""Which MicroPython port CPython mode models, and the per-call state of the port's limits:
the heap budget, the recursion depth, and the caught-builtin-exception (NLR) defect.  CPython
only.  See docs/cpython-mode.md.

Two ports exist (docs/micropython.md): plain nearc's (``"nearc"``: the defects of issue 11) and
the one near_safe's builder builds by default (``"near_safe"``: nearc's tree with near_safe's
patches).  :data:`DEFAULT_PORT` names the port the builder builds by default: CPython mode
models that one unless a runtime asks for another (``Runtime(mode="python", port="nearc")``).
"""

from __future__ import annotations

import dataclasses
import gc
import sys
from dataclasses import dataclass

from ..gas import GasError as _GasError


@dataclass(frozen=True)
class Port:
    """What CPython mode reproduces of one MicroPython port.

    ``heap_bytes``: the MicroPython heap (None: no budget modelled).  ``heap_reclaims``: whether
    garbage is collected (False: every allocation of a call counts, as in nearc's port).
    ``nlr_defect``: a builtin (C) exception caught by Python corrupts the port's exception
    stack (MICROPY_NLR_WASM).  ``flag_nlr``: fail such a call (the Wasm may trap later,
    depending on stack reuse: CPython mode fails it every time, naming the defect).
    ``operator_errors_as_zero_division``: an operator's TypeError arrives as
    ``ZeroDivisionError('divide by zero')``.  ``last_exception_wins``: a C function that
    raises and runs on can raise again and the last exception replaces the first (so
    ``d[missing]`` is a TypeError, ``near.log_utf8(msg="x")`` reports its argument count).
    ``undefined_name_traps``: a name found nowhere traps (Unreachable) even inside ``try``
    (near_safe's port, patch 0007: NameError "name 'x' isn't defined", catchable).

    Figures of the build (they differ between toolchains, so :func:`resolve_port` takes them
    from the Wasm the installed toolchain builds: :func:`build_figures`): ``max_depth``,
    Python frames from the exported method down (inclusive) before the Wasm stack overflows
    (a plain one-argument recursion); ``heap_scan_gas``, on nearc's port, the gas its
    collector burns when the heap runs out: ``gc_collect`` scans from the stack pointer up to
    the stack base, which is 0 because NEAR never runs ``_start`` (where emscripten sets it),
    so it reads on to the end of the Wasm memory and traps there (MemoryOutOfBounds); a call
    with less gas left than that runs out of gas first (GasExceeded).  Both fail the call with
    no state change; the form depends on where the toolchain puts the stack (emscripten
    3.1.6: a 5 MB stack, the scan fits in 300 Tgas; 3.1.69: 64 KB, it does not)."""

    name: str
    heap_bytes: int | None = 32_000
    heap_reclaims: bool = False
    nlr_defect: bool = True
    flag_nlr: bool = True
    operator_errors_as_zero_division: bool = True
    last_exception_wins: bool = True
    undefined_name_traps: bool = True
    max_depth: int | None = None
    heap_scan_gas: int | None = None

    def replace(self, **changes) -> Port:
        return dataclasses.replace(self, **changes)


PORTS = {
    # plain nearc 0.8.8 / 0.10 (MicroPython 1.24.1, ports/webassembly-near), measured in Wasm
    # mode on the unpatched build
    "nearc": Port("nearc"),
    # near_safe's patched port (near_safe/builder/patches, docs/micropython.md): exceptions
    # balanced and first-wins (0002, 0003); the heap grows from 32 KiB up to the Wasm memory
    # and nothing is collected inside a call (0004): the embedded runtime's 16 MiB memory
    # leaves about 11 MB for it
    "near_safe": Port("near_safe", heap_bytes=11_000_000, nlr_defect=False, flag_nlr=False,
                      operator_errors_as_zero_division=False, last_exception_wins=False,
                      undefined_name_traps=False),
}

DEFAULT_PORT = "near_safe"
"""The port CPython mode models when a runtime does not choose: the one the builder builds by
default.  (One line to change when the builder's default port changes.)"""


def resolve_port(port) -> Port:
    """``None`` (the default port), a name of :data:`PORTS` or a :class:`Port`, with the
    figures of the build it models (:func:`build_figures`) where it leaves them None."""
    if port is None:
        port = PORTS[DEFAULT_PORT]
    elif not isinstance(port, Port):
        try:
            port = PORTS[port]
        except KeyError:
            raise ValueError(f"port={port!r}: use one of {sorted(PORTS)} or a "
                             "near_safe.testing.vm._pymode.Port") from None
    if port.max_depth is None or (port.heap_scan_gas is None and port.last_exception_wins):
        figures = build_figures(port.name)
        done = _resolved.get(port)
        if done is None or done[0] is not figures:
            done = _resolved[port] = (figures, port.replace(
                **{k: v for k, v in figures.items() if getattr(port, k) is None}))
        port = done[1]
    return port


# -------------------------------------------------------------- figures of the build
#
# What differs between toolchains (nearc x emscripten) is measured on the Wasm the installed
# toolchain builds for a probe contract, in Wasm mode, once per toolchain (cached next to it).
# Without a warm toolchain for the port (CPython mode needs neither nearc nor emcc), CPython
# mode models the reference toolchain's build: nearc 0.8.8 + emscripten 3.1.6, measured the
# same way.

REFERENCE_FIGURES = {"nearc": {"max_depth": 1056, "heap_scan_gas": 0},
                     "near_safe": {"max_depth": 1056, "heap_scan_gas": None}}
_FIGURES_FORMAT = "1"
_figures: dict = {}  # port name -> its figures
_waiting: dict = {}  # port name -> the warm marker of its toolchain, while the reference serves
_resolved: dict = {}  # Port with figures left None -> (its figures, the Port with them)

_PROBE = '''"""near_safe's port-figures probe (CPython mode's port model, _mpport.build_figures)."""
import near


def _rec(n):
    if n <= 0:
        return 0
    return _rec(n - 1) + 1


@near.export
def recurse():
    near.value_return(str(_rec(int(near.input()))))


@near.export
def start():
    near.value_return("0")


@near.export
def exhaust():
    x = "x" * 40000
    near.value_return(str(len(x)))
'''


def build_figures(port_name: str) -> dict:
    """``max_depth`` and ``heap_scan_gas`` of the Wasm the installed toolchain builds for
    ``port_name`` ("near_safe": the patched port, "nearc": plain nearc's), measured in Wasm
    mode on a probe contract and cached per toolchain, wasmtime and metering version; the
    reference toolchain's figures (:data:`REFERENCE_FIGURES`) when that toolchain is not
    installed and warm."""
    if port_name in _figures:
        marker = _waiting.get(port_name)
        if marker is None or not marker.is_file():  # measured, or still no warm toolchain
            return _figures[port_name]
    figures = dict(REFERENCE_FIGURES.get(port_name, REFERENCE_FIGURES["nearc"]))
    from ....errors import BuildError

    try:
        figures = _measured(port_name, figures)
    except BuildError:  # nearc or emcc not installed: the reference build's figures
        pass
    _figures[port_name] = figures
    return figures


def _measured(port_name: str, reference: dict) -> dict:
    import hashlib
    import json
    from importlib.metadata import version

    from ...._facts import cache_root
    from ....builder._toolchain import Toolchain, find_emcc, toolchain_id
    from .. import metering

    patches = port_name != "nearc"
    emcc = find_emcc()
    toolchain = Toolchain(emcc, patches=patches)
    if not toolchain.is_warm:  # measured once a build has warmed it (this process included)
        _waiting[port_name] = toolchain.root / "warm"
        return reference
    _waiting.pop(port_name, None)
    key = hashlib.sha256(f"{_FIGURES_FORMAT}|{toolchain_id(emcc, patches)}|wasmtime "
                         f"{version('wasmtime')}|{metering.VERSION}|{_PROBE}".encode()
                         ).hexdigest()[:16]
    folder = cache_root() / "toolchain" / "port-figures"
    cached = folder / f"{port_name}-{key}.json"
    if cached.is_file():
        return json.loads(cached.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / "probe.py"
    if not probe.is_file() or probe.read_text() != _PROBE:
        probe.write_text(_PROBE)
    figures = _measure(probe, patches, port_name)
    tmp = cached.with_suffix(".tmp")
    tmp.write_text(json.dumps(figures))
    tmp.replace(cached)
    return figures


def _measure(probe, patches: bool, port_name: str) -> dict:
    """Run the probe in Wasm mode: the deepest recursion that returns, and (nearc's port)
    the least prepaid gas with which running out of heap ends in the trap at the end of the
    memory rather than GasExceeded."""
    from ...._units import NEAR, TGAS
    from ....builder import build
    from ..._runtime import Runtime

    rt = Runtime(mode="wasm")
    alice = rt.create_account("probe-caller.near", balance=1000 * NEAR)
    contract = rt.deploy("probe.near", build(probe, progress=False, patches=patches).wasm)

    def call(method, args=b"", gas=300 * TGAS):
        out = alice.call(contract, method, args, gas=gas)
        return out.status == "success", str(out.final_failure or ""), out

    def returns(n):
        return call("recurse", str(n).encode())[0]

    lo, hi = 0, 256  # returns(lo), not returns(hi)
    while returns(hi):
        lo, hi = hi, hi * 2
        if hi > 1 << 20:
            raise RuntimeError("the probe's recursion never overflows the Wasm stack")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if returns(mid) else (lo, mid)
    # frames: the exported method, then _rec(n) .. _rec(0)
    figures = {"max_depth": lo + 2, "heap_scan_gas": None}
    if port_name == "nearc":
        _ok, _err, out = call("start")
        start_gas = out.receipts[0].gas_burnt
        top = rt.config.limits["max_total_prepaid_gas"]

        def traps(gas):
            ok, err, _out = call("exhaust", gas=gas)
            if ok or ("MemoryOutOfBounds" not in err and "Exceeded the prepaid gas" not in err):
                raise RuntimeError(f"plain nearc's heap ran out differently: {err or 'success'}")
            return "MemoryOutOfBounds" in err

        if not traps(top):
            figures["heap_scan_gas"] = top
        else:
            lo, hi = 0, top  # not traps(lo) (or 0), traps(hi)
            while hi - lo > TGAS:
                mid = (lo + hi) // 2
                lo, hi = (lo, mid) if traps(mid) else (mid, hi)
            figures["heap_scan_gas"] = max(0, hi - start_gas)
    return figures


# ------------------------------------------------------------------------ per-call state

class CallState:
    """The port's limits during one call (``_call[0]``)."""

    __slots__ = ("host", "port", "heap_used", "heap_limit", "nlr_site", "base_depth", "charged")

    def __init__(self, host, port: Port, baseline: int):
        self.host = host
        self.port = port
        self.heap_used = baseline
        self.heap_limit = port.heap_bytes if not port.heap_reclaims else None
        self.nlr_site = None  # (file, line, function, exception) of the first caught builtin
        self.base_depth = 0
        # the objects charged, kept alive for the call: one reference more, so a charged object
        # passed on later is no longer "fresh" (and no id is reused for a new object)
        self.charged = []


_call = [None]  # the CallState of the call in progress


def _frame_depth(frame) -> int:
    n = 0
    while frame is not None:
        n += 1
        frame = frame.f_back
    return n


_depths: dict = {}  # (frame count, the callers' code objects) -> CPython's depth counter


def _depth(frame) -> int:
    """CPython's own recursion depth counter at ``frame`` (it counts some C-level recursion
    too, so it is not the number of frames): its refusal of a too low limit names it.  Cached
    per call path (the number of frames and the nearest callers' code)."""
    key = []
    f = frame
    n = 0
    while f is not None:
        if n < 6:
            key.append(f.f_code)
        n += 1
        f = f.f_back
    key = (n, *key)
    depth = _depths.get(key)
    if depth is None:
        try:
            sys.setrecursionlimit(1)
            depth = 1
        except RecursionError as exc:
            depth = int(str(exc).split("recursion depth ")[1].split(":")[0])
        # measured here, one frame below the caller's: calibrated against Wasm mode
        # (tests/pymode/test_port_models.py)
        if len(_depths) < 1000:
            _depths[key] = depth
    return depth


class RecursionLimit:
    """Context manager: CPython's recursion limit set so that the exported method and its
    callees get the port's depth (``Port.max_depth``) of Python frames."""

    def __init__(self, port: Port):
        self.port = port

    def __enter__(self):
        self.saved = sys.getrecursionlimit()
        # CPython's cyclic collector is held off for the call (MicroPython collects nothing
        # mid-call either): a collection at the port's depth would run other objects'
        # finalizers with no frames left, and their RecursionError surfaces as an unraisable
        # exception in whatever test is running
        self.gc_was = gc.isenabled()
        gc.disable()
        # _depth measures one frame below __enter__, where the calibration was made
        sys.setrecursionlimit(_depth(sys._getframe(1)) - 1 + self.port.max_depth)
        return self

    def __exit__(self, *exc):
        sys.setrecursionlimit(self.saved)
        if self.gc_was:
            gc.enable()


# ----------------------------------------------------------------------------- the heap
#
# nearc's port has a 32,000-byte heap and never reclaims garbage (gc.collect traps), so what
# counts is everything a call allocates.  CPython mode charges an estimate of MicroPython's
# allocation (32-bit objects in 16-byte GC blocks, measured in Wasm mode with gc.mem_alloc():
# bench/bench_divergence.py prints estimate vs Wasm per pattern) at the points where contract
# code makes objects - operators, displays, comprehensions, f-strings, results of calls - and
# for what json and the near module return; plus a start-up baseline per frozen package the
# contract imports.  Over the budget the call traps (MemoryOutOfBounds) as in the Wasm, where
# ``except MemoryError`` does not help either.

_SMALL_INT = 1 << 30
BASELINE = 784  # MicroPython start-up + `import near` (gc.mem_alloc() at a method's start)
# extra bytes in use at a method's start per frozen package the contract imports (measured:
# a near_sdk_py @view 12,608, a near_safe @view 4,128)
PACKAGE_BASELINE = {"near_sdk_py": 11_824, "near_safe": 3_344}


def _grown(n: int) -> int:
    alloc = 4
    while alloc < n:
        alloc *= 2
    return alloc


def _blocks(n: int) -> int:
    return (n + 15) & ~15


def mp_size(obj) -> int:
    """Bytes MicroPython's heap gives a new object like ``obj`` (shallow: its own blocks)."""
    t = type(obj)
    if t is str:
        n = len(obj) if obj.isascii() else len(obj.encode("utf-8", "surrogatepass"))
        return 16 + _blocks(n + 1)
    if t is bytes or t is bytearray:
        return 16 + _blocks(len(obj) + 1)
    if t is list:
        return 16 + _blocks(4 * max(len(obj), 4))
    if t is tuple:
        return _blocks(8 + 4 * len(obj)) if obj else 0
    if t is int:
        return 0 if -_SMALL_INT <= obj < _SMALL_INT else 16 + _blocks(2 * (obj.bit_length() // 16 + 1))
    if t is float:
        return 16
    if isinstance(obj, dict):
        return 16 + _blocks(8 * len(obj))
    if isinstance(obj, (set, frozenset)):
        return 16 + _blocks(4 * len(obj))
    return 0


def mp_deep_size(obj) -> int:
    """``mp_size`` of ``obj`` and of what it contains (a json.loads result)."""
    total = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        total += mp_size(o)
        t = type(o)
        if t is list or t is tuple:
            stack.extend(o)
        elif isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
    return total


def charge(n: int) -> None:
    """Count ``n`` bytes of MicroPython heap for the call in progress; over the port's heap
    the call traps as the Wasm does."""
    state = _call[0]
    if state is None or n <= 0:
        return
    used = state.heap_used = state.heap_used + n
    limit = state.heap_limit
    if limit is not None and used > limit:
        state.heap_limit = None  # one trap
        if state.port.last_exception_wins:  # nearc: the collector scans the whole memory
            raise heap_scan(state)
        # near_safe's port (patch 0005): NEAR_ABORT's stable panic
        state.host.log_utf8("NEAR_ABORT(): 'MemoryError: memory allocation failed' at "
                            "m_malloc_fail() (../../py/runtime.c), terminating")
        state.host.panic()


def heap_scan(state: CallState):
    """The abort of nearc's port's ``gc_collect`` (the heap ran out, or ``gc.collect()``): its
    scan to the end of the Wasm memory traps (MemoryOutOfBounds), or burns all the gas first
    when less than ``Port.heap_scan_gas`` is left (GasExceeded)."""
    from ._modnear import HostAbort, _as_vm_error, _trap

    scan = state.port.heap_scan_gas or 0
    gas = state.host._logic.gas_counter
    if gas.gas_limit - gas.burnt < scan:
        try:
            gas.burn_gas(gas.gas_limit - gas.burnt + 1)
        except _GasError as exc:
            state.host._abort = HostAbort(_as_vm_error(exc))
            return state.host._abort
    return _trap(state.host, "MemoryOutOfBounds")


_getrefcount = sys.getrefcount


def mp_new(obj):
    """Contract code made ``obj`` (an operator's or a call's result, a display): charge it if
    it is a fresh object, referenced only from here (an existing object passed through, a
    constant, an interned string or an object charged already is not charged)."""
    state = _call[0]
    if state is not None and _getrefcount(obj) <= 2:
        # a list made by a call or a comprehension grew by doubling (measured); a display
        # or an operator's result is exact
        n = mp_size(obj) if type(obj) is not list else 16 + 4 * _grown(len(obj))
        if n:
            state.charged.append(obj)
            charge(n)
    return obj


def mp_new_local(obj) -> None:
    """:func:`mp_new` for a helper's local variable (one reference more)."""
    if _getrefcount(obj) <= 3:
        charge_obj(obj, mp_size(obj))


def charge_obj(obj, n: int) -> None:
    """Charge ``n`` bytes for ``obj`` (made by the port's C code for contract code)."""
    state = _call[0]
    if state is not None and n:
        state.charged.append(obj)
        charge(n)


def charge_append(items: list, added=1) -> None:
    """``list.append``/``extend``/``insert``: the items array grows by doubling, in place
    (the old array is freed: measured).  ``added`` None: unknown (extend), charged as one."""
    n = len(items)
    old, new = _grown(max(n - (added or 1), 0)), _grown(n)
    if new > old:
        charge(4 * (new - old))


# ------------------------------------------------------ caught builtin exceptions (NLR)

_RAISE_OPS = None


def _raised_by_python(exc: BaseException) -> bool:
    """Whether ``exc`` was raised by a Python ``raise`` in MicroPython-side code (the contract,
    its modules, frozen packages), not by a builtin (C in MicroPython: the simulator's own
    frames, CPython's library, an operator or a builtin call in contract code)."""
    global _RAISE_OPS
    import dis
    import os

    if _RAISE_OPS is None:
        _RAISE_OPS = {dis.opmap["RAISE_VARARGS"], dis.opmap["RERAISE"]}
    tb = exc.__traceback__
    if tb is None:
        return True
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    filename = code.co_filename
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # near_safe/testing/vm
    if filename.startswith(here) or filename.startswith("<"):
        return False
    from ._mainc import _STDLIB_DIRS

    real = os.path.realpath(filename)
    if real.startswith(_STDLIB_DIRS) and "-packages" + os.sep not in real:
        return False
    return code.co_code[tb.tb_lasti] in _RAISE_OPS


def except_hook() -> None:
    """First statement of every ``except`` handler in contract code (``__mp_except__()``).

    * A RecursionError traps (StackOverflow), even when caught: the Wasm's stack overflowed.
    * On a port with the NLR defect, a builtin's exception caught here is recorded: the call
      fails at its end (:func:`nlr_failure`)."""
    state = _call[0]
    if state is None:
        return
    exc = sys.exc_info()[1]
    if isinstance(exc, RecursionError):
        from ._modnear import _trap

        raise _trap(state.host, "StackOverflow")
    port = state.port
    if (port.nlr_defect and port.flag_nlr and state.nlr_site is None and exc is not None
            and isinstance(exc, Exception) and not _raised_by_python(exc)):
        import os

        frame = sys._getframe(1)
        state.nlr_site = (os.path.basename(frame.f_code.co_filename), frame.f_lineno,
                          frame.f_code.co_name, type(exc).__name__)


def nlr_failure(state: CallState):
    """The error a call flagged by :func:`except_hook` ends with, or None."""
    if state.nlr_site is None:
        return None
    from ..._types import FunctionCallError

    file, line, fn, exc = state.nlr_site
    return FunctionCallError(
        "WasmTrap",
        f"WebAssembly trap: MemoryOutOfBounds (CPython mode, port {state.port.name!r}: "
        f"{exc} raised by a builtin and caught in {fn} ({file}:{line}): MicroPython's "
        "NLR_WASM defect leaves the exception stack corrupt and the Wasm may trap; raise "
        "your own exception or check the value before the call instead of catching)",
        "MemoryOutOfBounds")
