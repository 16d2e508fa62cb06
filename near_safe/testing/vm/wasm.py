"""Wasm mode: run a contract's Wasm in wasmtime with NEAR's gas metering (docs/protocol.md 3.5,
5.7).

Per module (cached in memory and on disk, keyed by code hash + wasmtime version + metering
version; a disk entry is bound to the hash of the Wasm it was compiled from and verified before
wasmtime deserializes it, see :func:`_compile`): the compiled ``wasmtime.Module``, a ``Linker`` whose ``env.*`` host functions are
closures built once, and an ``InstancePre``.  Per call: a new ``Store`` and instance, as NEAR
instantiates per call (MicroPython's module state must be fresh), and a new :class:`VMLogic`.

Memory (nearcore ``prepare/prepare_v2.rs``): preparation drops the module's own memory section
and imports ``env.memory`` of the config's ``initial_memory_pages``..``max_memory_pages``
instead, so every contract sees those pages whatever it declares; a module that imports a
memory itself fails with ``PrepareError::Memory``.  Here (:func:`normalize_memory`) the module
gets one memory of exactly those limits, defined rather than imported (the same pages to the
contract, and wasmtime then initialises it from a copy-on-write image: an imported memory
made each instantiation copy the data segments, ~0.4 ms a call), exported for the host; the
pages are part of the module cache key.

Gas (docs/protocol.md 5.7, mirroring nearcore's wasmtime runner): before entering Wasm and after
every host call ``store.set_fuel((gas_limit - burnt) // regular_op_cost)``; at every host-call entry
the fuel consumed since is burnt as ``consumed * regular_op_cost``; OutOfFuel burns everything
(GasExceeded / GasLimitExceeded).  The per-call frame charge that wasmtime fuel lacks is added by
``metering.py`` (see docs/gas-model.md for what is approximate and by how much).
"""

from __future__ import annotations

import hashlib
import os
import threading
import warnings
from pathlib import Path

import wasmtime

from ..._facts import cache_root as cache_dir  # the builder's cache folder, one definition
from .._types import FunctionCallError, VMContext, VMOutcome
from ..params import Config
from . import metering, prepare
from .gas import U64_MAX, GasError, IntegerOverflow
from .logic import (
    HOST_FUNCTIONS,
    UNSUPPORTED_HOST_FUNCTIONS,
    MemoryOutOfBounds,
    VMLogic,
    VMLogicError,
    host_error,
)

_I64_SIGN = 1 << 63
_U32 = 0xFFFFFFFF

_TRAPS = {
    wasmtime.TrapCode.UNREACHABLE: "Unreachable",
    wasmtime.TrapCode.MEMORY_OUT_OF_BOUNDS: "MemoryOutOfBounds",
    wasmtime.TrapCode.HEAP_MISALIGNED: "MisalignedAtomicAccess",
    wasmtime.TrapCode.TABLE_OUT_OF_BOUNDS: "MemoryOutOfBounds",
    wasmtime.TrapCode.INDIRECT_CALL_TO_NULL: "IndirectCallToNull",
    wasmtime.TrapCode.BAD_SIGNATURE: "IncorrectCallIndirectSignature",
    wasmtime.TrapCode.INTEGER_OVERFLOW: "IllegalArithmetic",
    wasmtime.TrapCode.INTEGER_DIVISION_BY_ZERO: "IllegalArithmetic",
    wasmtime.TrapCode.BAD_CONVERSION_TO_INTEGER: "IllegalArithmetic",
    wasmtime.TrapCode.STACK_OVERFLOW: "StackOverflow",
}


_engine: wasmtime.Engine | None = None
_modules: dict = {}
_lock = threading.Lock()

# Profiling nearc 0.10's CPython backend (near_safe.builder.pyprofile): cpython-near-wasm-opt's
# instrumented build of a contract (python-instrumented.wasm) imports these three besides NEAR's
# host functions and calls them on every C function entry and module load.  Not NEAR host
# functions: linked only while a profiler is set (:func:`set_profiler`), otherwise such a module
# fails to link as on chain.
TRACE_IMPORTS = ("trace_function_call", "trace_frozen_module_load", "trace_builtin_module_load")
_profiler = None


def set_profiler(profiler) -> object:
    """Link the instrumented build's ``env.trace_*`` imports to ``profiler`` (an object with
    ``function_called(name_hash)`` and ``module_loaded(kind, name)``), or unlink them (None).
    Returns the previous profiler.  Modules loaded before are dropped from the memory cache."""
    global _profiler
    previous, _profiler = _profiler, profiler
    with _lock:
        _modules.clear()
    return previous


def _trace_closure(holder, name: str):
    if name == "trace_function_call":
        return lambda name_hash: _profiler.function_called(name_hash & _U32)

    def module_loaded(ptr):  # a NUL-terminated path in the contract's memory
        raw = holder.logic.memory.read(ptr, 256).split(b"\0")[0]
        _profiler.module_loaded(name[len("trace_"):-len("_module_load")], raw.decode())
    return module_loaded


def engine() -> wasmtime.Engine:
    global _engine
    if _engine is None:
        cfg = wasmtime.Config()
        cfg.consume_fuel = True
        cfg.wasm_bulk_memory = True  # protocol 84 enables bulk memory (docs/protocol.md 5.6)
        cfg.wasm_reference_types = True
        _engine = wasmtime.Engine(cfg)
    return _engine


def _wasmtime_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("wasmtime")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


class _Holder:
    """Per-module mutable slot the host closures read: the call currently running."""

    __slots__ = ("abort", "fuel_set", "logic", "op_cost", "store")

    def __init__(self):
        self.logic = None
        self.store = None
        self.fuel_set = 0
        self.op_cost = 0
        self.abort = None


class WasmMemory:
    """VMLogic memory view over a wasmtime Memory of the current store."""

    __slots__ = ("mem", "store")

    def __init__(self, mem: wasmtime.Memory, store: wasmtime.Store):
        self.mem = mem
        self.store = store

    def read(self, ptr: int, n: int) -> bytes:
        if ptr + n > self.mem.data_len(self.store):
            raise MemoryOutOfBounds()
        return bytes(self.mem.read(self.store, ptr, ptr + n))

    def write(self, ptr: int, data: bytes) -> None:
        if ptr + len(data) > self.mem.data_len(self.store):
            raise MemoryOutOfBounds()
        self.mem.write(self.store, data, ptr)


class LoadedModule:
    """A compiled contract plus its linker; shared by every call of that code."""

    def __init__(self, code: bytes, code_hash: str, pages: tuple = (1024, 2048)):
        self.code_len = len(code)
        eng = engine()
        self.holder = _Holder()
        self.linker = wasmtime.Linker(eng)
        self.linker.allow_shadowing = True
        self.exports = {}
        self.env_imports = set()  # names imported from env (version-gated host functions)
        self.link_error = None  # non-env import: PrepareError, nothing charged
        self.unknown_import = None  # unknown env import: LinkError after the loading fee
        self.prepare_error = None  # another nearcore PrepareError (kind): nothing charged
        self.pre = None
        try:
            code, self.memory_export = normalize_memory(code, *pages)
        except _PrepareError as e:
            self.prepare_error = str(e)
            return
        self.module = _compile(eng, code, f"{code_hash}-m{pages[0]}-{pages[1]}")
        for exp in self.module.exports:
            if isinstance(exp.type, wasmtime.FuncType):
                self.exports[exp.name] = not exp.type.params and not exp.type.results
        for imp in self.module.imports:
            if imp.module != "env":
                self.link_error = f"{imp.module}.{imp.name}"
                continue
            self.env_imports.add(imp.name)
            if _profiler is not None and imp.name in TRACE_IMPORTS:
                self.linker.define_func("env", imp.name, imp.type,
                                        _trace_closure(self.holder, imp.name))
                continue
            if not isinstance(imp.type, wasmtime.FuncType) or (
                    imp.name not in HOST_FUNCTIONS and imp.name not in UNSUPPORTED_HOST_FUNCTIONS):
                # not a NEAR host function: nearcore fails to link (docs/protocol.md 3.5 step 6)
                self.unknown_import = self.unknown_import or f"env.{imp.name}"
                continue
            self.linker.define_func("env", imp.name, imp.type,
                                    _host_closure(self.holder, imp.name, imp.type))
        if self.link_error is None and self.unknown_import is None:
            self.pre = self.linker.instantiate_pre(self.module)


# A .cwasm file: this header, then the 32-byte binding digest, then wasmtime's serialized
# module.  Bump the file-name suffix with the format.
_CWASM_MAGIC = b"near-safe-cwasm1\n"
_CWASM_FORMAT = "b3"  # b3: the module's memory replaced by the config's pages


def _binding(key: str, compiled) -> bytes:
    """sha256 over the entry's name (the Wasm's sha256, metering and wasmtime versions) and the
    serialized module: a .cwasm is accepted only for the Wasm it was compiled from."""
    h = hashlib.sha256(b"near-safe cwasm\0" + key.encode() + b"\0")
    h.update(compiled)  # bytes or a memoryview: no copy of the (MB-sized) module
    return h.digest()


def _read_cwasm(path: Path, key: str) -> bytes | None:
    """The serialized module of a verified cache entry; None when missing or not verified (a
    wrong entry is reported and recompiled)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    n = len(_CWASM_MAGIC)
    body = memoryview(raw)[n + 32:]
    if raw[:n] != _CWASM_MAGIC or raw[n:n + 32] != _binding(key, body):
        warnings.warn(f"near_safe: compiled-module cache entry {path} was not compiled from "
                      "the Wasm it is named after (its binding hash does not match): "
                      "recompiling it", stacklevel=4)
        return None
    return body.tobytes()


def _compile(eng, code: bytes, code_hash: str) -> wasmtime.Module:
    """The metered module (metering.py), from the disk cache when there.

    wasmtime's ``Module.deserialize`` trusts its input (it is native code), so an entry is
    used only when its binding digest (:func:`_binding`) matches the hash of the Wasm being
    loaded; otherwise the module is recompiled and the entry rewritten.  The digest is a plain
    hash: it catches an entry swapped or copied from another module, not a writer who
    recomputes it - whoever can write the cache directory can run native code in this process
    (docs/architecture.md, "Trust boundaries")."""
    key = f"{code_hash}-{metering.VERSION}-wt{_wasmtime_version()}-{_CWASM_FORMAT}"
    path = cache_dir() / "wasmtime" / (key + ".cwasm")
    # from bytes, not deserialize_file: an mmapped file truncated by another process would
    # crash this one with SIGBUS; reading (and hashing) costs a few ms once per contract
    body = _read_cwasm(path, key)
    if body is not None:
        try:
            return wasmtime.Module.deserialize(eng, body)
        except wasmtime.WasmtimeError:
            pass  # made by another wasmtime build: recompile
    wasmtime.Module.validate(eng, code)  # a clear CompilationError before instrumenting
    module = wasmtime.Module(eng, metering.MeteringInfo.analyse(code).instrumented)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        compiled = module.serialize()
        tmp.write_bytes(_CWASM_MAGIC + _binding(key, compiled) + compiled)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs speed
    return module


class _PrepareError(Exception):
    pass


MEMORY_EXPORT = "near_safe memory"  # the host's handle when the module exports no memory


def normalize_memory(code: bytes, initial: int, maximum: int) -> tuple:
    """nearcore's memory normalisation (``prepare_v2.rs`` ``PrepareContext::run``,
    ``memory_import``) as (Wasm, name of the exported memory): the module's memory section is
    replaced by one memory of ``initial``..``maximum`` pages, inserted where the memory
    section belongs, and exported as :data:`MEMORY_EXPORT` unless the module exports it
    already.  A module importing a memory is ``PrepareError::Memory``
    (``transform_import_section``).  Text (WAT) is converted first; a malformed module is
    returned as is for wasmtime's validation to reject."""
    if not code.startswith(b"\0asm"):
        code = bytes(wasmtime.wat2wasm(code.decode() if isinstance(code, bytes) else code))
    try:
        return _normalize_memory(code, initial, maximum)
    except IndexError:
        return code, MEMORY_EXPORT


def _normalize_memory(code: bytes, initial: int, maximum: int) -> tuple:
    leb, enc = metering.leb_u, metering._enc_u
    sections = []  # (id, whole section bytes)
    pos = 8
    while pos < len(code):
        sid = code[pos]
        size, body = leb(code, pos + 1)
        sections.append((sid, code[pos:body + size], body, body + size))
        pos = body + size
    out, export_name = [], None
    for sid, raw, body, end in sections:
        if sid == 2:
            _check_imports(code, body)
        elif sid == 7:  # exports: keep; find the memory's name or add one
            n, q = leb(code, body)
            for _ in range(n):
                nl, q = leb(code, q)
                name = code[q:q + nl]
                q += nl
                kind = code[q]
                _, q = leb(code, q + 1)
                if kind == 2:
                    export_name = name.decode()
            if export_name is None:
                entries = code[leb(code, body)[1]:end] + _export_entry()
                new = enc(n + 1) + entries
                raw = b"\x07" + enc(len(new)) + new
                export_name = MEMORY_EXPORT
        if sid == 5:
            continue  # the module's own memory: replaced below
        out.append((sid, raw))
    limits = b"\x01" + enc(initial) + enc(maximum)
    memory = b"\x05" + enc(len(limits) + 1) + b"\x01" + limits
    _insert(out, 5, memory, after=(6, 7, 8, 9, 10, 11, 12))
    if export_name is None:
        entries = enc(1) + _export_entry()
        _insert(out, 7, b"\x07" + enc(len(entries)) + entries, after=(8, 9, 10, 11, 12))
        export_name = MEMORY_EXPORT
    return code[:8] + b"".join(raw for _, raw in out), export_name


def _export_entry() -> bytes:
    name = MEMORY_EXPORT.encode()
    return metering._enc_u(len(name)) + name + b"\x02\x00"  # memory 0


def _insert(sections: list, sid: int, raw: bytes, after: tuple) -> None:
    """Put section ``raw`` before the first section whose id is in ``after`` (or last)."""
    for i, (other, _) in enumerate(sections):
        if other in after:
            sections.insert(i, (sid, raw))
            return
    sections.append((sid, raw))


def _check_imports(code: bytes, body: int) -> None:
    for module, _, kind in metering.import_entries(code, body):
        if kind == 2 and module == b"env":  # (another module's import: Instantiate, link_error)
            raise _PrepareError("Memory")


def load(code, config: Config | None = None) -> LoadedModule:
    """The LoadedModule for a ContractCode and the config's memory pages (memory cache, then
    disk cache, then compile)."""
    pages = (1024, 2048) if config is None else (config.initial_memory_pages,
                                                 config.max_memory_pages)
    key = (code.hash, pages)
    mod = _modules.get(key)
    if mod is None:
        with _lock:
            mod = _modules.get(key)
            if mod is None:
                mod = _modules[key] = LoadedModule(code.code, code.hash, pages)
    return mod


def _host_closure(holder: _Holder, name: str, ty: wasmtime.FuncType):
    """A wasmtime host function for ``env.name``: fuel sync (docs/protocol.md 5.7) around
    VMLogic.name.

    Wasm passes i64 as signed: arguments are converted to u64 (u32 for i32), results back."""
    masks = tuple(U64_MAX if str(p) == "i64" else _U32 for p in ty.params)
    all_i64 = all(m == U64_MAX for m in masks)
    i64_result = bool(ty.results) and str(ty.results[0]) == "i64"
    has_result = bool(ty.results)
    known = name in HOST_FUNCTIONS

    def call(*args):
        h = holder
        logic = h.logic
        store = h.store
        try:
            consumed = h.fuel_set - store.get_fuel()
            logic.gas_counter.pay_base("wasm_ops", consumed * h.op_cost)
            if not known:
                raise host_error("UnsupportedHostFunction", method_name=name)
            if all_i64:  # wasm i64 are signed: back to u64
                u = [a & U64_MAX if a < 0 else a for a in args] if args else args
            else:
                u = [a & m for a, m in zip(args, masks)]
            r = getattr(logic, name)(*u)
        except GasError as e:
            h.abort = host_error(e.kind).error
            raise
        except IntegerOverflow:
            err = host_error("IntegerOverflow")
            h.abort = err.error
            raise err from None
        except VMLogicError as e:
            h.abort = e.error
            raise
        gc = logic.gas_counter
        fuel = (gc.gas_limit - gc.burnt) // h.op_cost
        store.set_fuel(fuel)
        h.fuel_set = fuel
        if has_result:
            if r is None:
                r = 0
            if i64_result and r >= _I64_SIGN:
                r -= 1 << 64
            elif not i64_result and r > 0x7FFFFFFF:
                r -= 1 << 32
            return r
        return None

    return call


def run_wasm(code, method_name: str, context: VMContext, storage: dict, ext,
             config: Config) -> VMOutcome:
    """docs/protocol.md 3.5 steps 3-8 for Wasm code."""
    from . import nop_outcome

    # nearcore's preparation rules of this protocol version (prepare.py, docs/protocol.md 2.11)
    try:
        kind = prepare.check(prepare.shape_of(_binary(code), code.hash), config)
    except (wasmtime.WasmtimeError, UnicodeDecodeError):  # text that is not WAT
        kind = "Deserialization"
    if kind is not None:
        return nop_outcome(context, _prepare_error(kind))
    try:
        mod = load(code, config)
    except wasmtime.WasmtimeError:  # wasmtime's validation: nearcore's validator fails too
        return nop_outcome(context, _prepare_error("Deserialization"))
    if mod.prepare_error is not None:
        return nop_outcome(context, FunctionCallError(
            "CompilationError", f"PrepareError: {mod.prepare_error}", "PrepareError"))
    if mod.link_error is not None:
        return nop_outcome(context, FunctionCallError(
            "CompilationError", f"PrepareError: Instantiate (import {mod.link_error})",
            "PrepareError"))
    # method lookup: nop outcome, no loading fee (fix_contract_loading_cost = false; TV5)
    sig_ok = mod.exports.get(method_name)
    if sig_ok is None:
        return nop_outcome(context, FunctionCallError(
            "MethodNotFound", "MethodNotFound", "MethodNotFound"))
    if not sig_ok:
        return nop_outcome(context, FunctionCallError(
            "MethodInvalidSignature", "MethodInvalidSignature", "MethodInvalidSignature"))

    store = wasmtime.Store(engine())
    logic = VMLogic(context, storage, ext, config, None)
    c = config.ext_costs
    op_cost = c["regular_op_cost"]
    gc = logic.gas_counter
    # contract loading fee (docs/protocol.md 3.5 step 4), charged on the original code length
    try:
        gc.pay_base("contract_loading",
                    c["contract_loading_base"] + c["contract_loading_bytes"] * mod.code_len)
    except GasError as e:
        return logic.outcome(aborted=host_error(e.kind).error)

    unknown = mod.unknown_import or next(
        (f"env.{name}" for name in sorted(mod.env_imports & VERSIONED_HOST_FUNCTIONS.keys())
         if not config.feature(VERSIONED_HOST_FUNCTIONS[name])), None)
    if unknown is not None:
        return logic.outcome(aborted=FunctionCallError(
            "LinkError", f"LinkError: unknown or invalid import {unknown}",
            "LinkError", {"import": unknown}))

    h = mod.holder
    prev = (h.logic, h.store, h.fuel_set, h.op_cost, h.abort)  # re-entrancy (nested runs)
    h.logic, h.store, h.op_cost, h.abort = logic, store, op_cost, None
    try:
        fuel = (gc.gas_limit - gc.burnt) // op_cost
        store.set_fuel(fuel)
        h.fuel_set = fuel
        try:
            exports = mod.pre.instantiate(store).exports(store)
            logic.memory = WasmMemory(exports[mod.memory_export], store)
            func = exports[method_name]
            func(store)
        except (wasmtime.Trap, wasmtime.WasmtimeError, GasError, VMLogicError) as e:
            return logic.outcome(aborted=_abort_reason(e, h, logic, store))
        # success: burn the fuel consumed since the last host call
        try:
            gc.pay_base("wasm_ops", (h.fuel_set - store.get_fuel()) * op_cost)
        except GasError as e:
            return logic.outcome(aborted=host_error(e.kind).error)
        return logic.outcome()
    finally:
        h.logic, h.store, h.fuel_set, h.op_cost, h.abort = prev


# Host functions nearcore links only from the protocol version whose config flag enables them
# (imports.rs): a contract importing one earlier fails to link, after the loading fee.
VERSIONED_HOST_FUNCTIONS = {
    "promise_set_refund_to": "deterministic_account_ids",  # NEP-616, protocol 82
    "refund_to_account_id": "deterministic_account_ids",
    # YieldWithId, protocol 85 (snapshot 85 ``yield_with_id_host_fns: true``)
    "promise_yield_create_with_id": "yield_with_id_host_fns",
    "promise_yield_resume_with_yield_id": "yield_with_id_host_fns",
}


def _prepare_error(kind: str) -> FunctionCallError:
    """``CompilationError(PrepareError(kind))`` (nearcore's variant name in ``data``)."""
    return FunctionCallError("CompilationError", f"PrepareError: {kind}", "PrepareError",
                             {"PrepareError": kind})


_binaries: dict = {}


def _binary(code) -> bytes:
    """The contract as a binary module (tests deploy WAT text too)."""
    raw = code.code
    if raw.startswith(b"\0asm"):
        return raw
    got = _binaries.get(code.hash)
    if got is None:
        text = raw.decode() if isinstance(raw, (bytes, bytearray)) else raw
        got = _binaries[code.hash] = bytes(wasmtime.wat2wasm(text))
    return got


def _abort_reason(e, h: _Holder, logic: VMLogic, store) -> FunctionCallError:
    """The FunctionCallError of an aborted call: a host error recorded by a closure, out of
    fuel (= gas, docs/gas-model.md item 5), or a Wasm trap."""
    if h.abort is not None:
        return h.abort
    if isinstance(e, VMLogicError):
        return e.error
    if isinstance(e, GasError):
        return host_error(e.kind).error
    code = getattr(e, "trap_code", None) if isinstance(e, wasmtime.Trap) else None
    gc = logic.gas_counter
    if code == wasmtime.TrapCode.OUT_OF_FUEL:
        try:
            gc.burn_gas(gc.gas_limit - gc.burnt + 1)
        except GasError as ge:
            return host_error(ge.kind).error
    # burn the fuel the trapping code consumed - as far as wasmtime saved it: the trapping
    # function's ops since its last call are not in get_fuel() (approximation, gas-model.md)
    try:
        gc.pay_base("wasm_ops", max(0, h.fuel_set - store.get_fuel()) * h.op_cost)
    except GasError as ge:
        return host_error(ge.kind).error
    if isinstance(e, wasmtime.Trap):
        kind = _TRAPS.get(code, "GenericTrap")
        return FunctionCallError("WasmTrap", f"WebAssembly trap: {kind}", kind)
    msg = str(e).splitlines()[0] if str(e) else type(e).__name__
    if "unknown import" in msg or "incompatible import" in msg:
        return FunctionCallError("LinkError", f"LinkError: {msg}", "LinkError")
    return FunctionCallError("WasmTrap", f"WebAssembly trap: {msg}", "GenericTrap")
