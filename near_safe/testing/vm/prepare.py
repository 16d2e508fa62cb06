"""Contract preparation: the checks nearcore makes before it compiles a contract
(docs/protocol.md 2.11).

nearcore's ``runtime/near-vm-runner/src/prepare.rs`` runs ``prepare_v2`` before protocol 84 and
``prepare_v3`` from 84 (``config.reftypes_bulk_memory || vm_kind == Wasmtime``): both validate
the module with wasmparser under the version's Wasm features (``features.rs``: sign extension
and floats on; multi-value, SIMD, threads, tail calls, exceptions, multi-memory, memory64 off;
non-trapping float-to-int from 78, reference types and bulk memory from 84) and count what the
config limits.  Every validation failure is ``PrepareError::Deserialization``; the limits have
their own variants.  A failed preparation is ``CompilationError(PrepareError(kind))`` with a
nop outcome (no gas).

Here :func:`shape` decodes a module once (cached per code hash) into the facts the checks need,
and :func:`check` compares them with a config.  Validation proper (types, stack discipline) is
left to wasmtime, whose failures are reported as ``Deserialization`` too (``wasm.py``).  Not
modelled: ``max_operand_stack_bytes_per_function`` and ``max_instrumented_code_size`` (they
need nearcore's stack analysis and instrumentation).  When a module breaks several rules the
one reported may differ from nearcore's, which stops at the first it meets while streaming the
sections.  CPython only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Optional

from .metering import leb_u, import_entries

# Wasm proposals a module may use, as nearcore's features.rs names them
MULTI_VALUE = "multi_value"
SIMD = "simd"
SATURATING_FLOAT_TO_INT = "saturating_float_to_int"
BULK_MEMORY = "bulk_memory"
REFERENCE_TYPES = "reference_types"
OTHER = "other"  # threads, tail calls, exceptions, GC, memory64, multi-memory, ...: never on

_V128, _FUNCREF, _EXTERNREF = 0x7B, 0x70, 0x6F
_NUM_TYPES = {0x7F, 0x7E, 0x7D, 0x7C}


class _Malformed(Exception):
    pass


@dataclass
class ModuleShape:
    """What preparation looks at, for one module."""

    code_len: int
    error: Optional[str] = None  # a rule broken whatever the config (Instantiate, Memory, ...)
    features: set = field(default_factory=set)
    types: int = 0
    imported_functions: int = 0
    functions: int = 0  # imported + defined
    tables: int = 0
    max_table_initial: int = 0
    globals: int = 0
    locals: int = 0  # declared locals of every function (parameters excluded)
    max_body_size: int = 0
    max_params: int = 0  # parameters of the widest defined function
    params: int = 0  # parameters of every defined function
    max_blocks: int = 0  # block/loop/if of the function with the most
    blocks: int = 0


# (ModuleShape field, config limit, PrepareError variant), in the order check() tries them
_LIMITS = (
    ("functions", "max_functions_number_per_contract", "TooManyFunctions"),
    ("tables", "max_tables_per_contract", "TooManyTables"),
    ("max_table_initial", "max_elements_per_contract_table", "TooManyTableElements"),
    ("max_body_size", "max_function_body_size", "FunctionBodyTooLarge"),
    ("locals", "max_locals_per_contract", "TooManyLocals"),
    ("globals", "max_globals_per_contract", "TooManyGlobals"),
    ("types", "max_types_per_contract", "TooManyTypes"),
    ("max_params", "max_params_per_function", "TooManyParamsPerFunction"),
    ("params", "max_params_per_contract", "TooManyParamsPerContract"),
    ("max_blocks", "max_blocks_per_function", "TooManyBlocksPerFunction"),
    ("blocks", "max_blocks_per_contract", "TooManyBlocksPerContract"),
)


def check(shape: ModuleShape, config) -> Optional[str]:
    """The ``PrepareError`` variant nearcore reports for this module at ``config``'s version,
    or None when it prepares."""
    if shape.error is not None:
        return shape.error
    enabled = enabled_features(config)
    if shape.features - enabled:
        return "Deserialization"
    lim = config.limits
    for attr, name, variant in _LIMITS:
        limit = lim.get(name)
        if limit is not None and getattr(shape, attr) > limit:
            return variant
        if name == "max_locals_per_contract":
            per_local = lim.get("min_contract_size_per_local")
            if per_local and shape.locals * per_local > shape.code_len:
                return "TooManyLocals"  # 87.yaml: one local per two bytes of code
    return None


def enabled_features(config) -> set:
    """The proposals nearcore's validator accepts at this version (features.rs)."""
    on = set()
    if config.feature("saturating_float_to_int"):
        on.add(SATURATING_FLOAT_TO_INT)
    if config.feature("reftypes_bulk_memory"):
        on |= {BULK_MEMORY, REFERENCE_TYPES}
    return on


_shapes: dict = {}
_lock = threading.Lock()


def shape_of(code: bytes, code_hash: str) -> ModuleShape:
    """:func:`shape`, cached per code hash."""
    got = _shapes.get(code_hash)
    if got is None:
        got = shape(code)
        with _lock:
            _shapes[code_hash] = got
    return got


def shape(code: bytes) -> ModuleShape:
    """Decode a binary module into its :class:`ModuleShape`.  A module that cannot be decoded
    has ``error = "Deserialization"``."""
    s = ModuleShape(code_len=len(code))
    try:
        _decode(code, s)
    except (_Malformed, IndexError):
        s.error = s.error or "Deserialization"
    return s


# ------------------------------------------------------------------ decoding


def _valtype(s: ModuleShape, t: int) -> None:
    if t == _V128:
        s.features.add(SIMD)
    elif t in (_FUNCREF, _EXTERNREF):
        s.features.add(REFERENCE_TYPES)
    elif t not in _NUM_TYPES:
        s.features.add(OTHER)


def _decode(code: bytes, s: ModuleShape) -> None:
    if code[:8] != b"\0asm\x01\0\0\0":
        raise _Malformed("header")
    pos = 8
    type_params: list = []
    func_types: list = []
    while pos < len(code):
        sid = code[pos]
        size, body = leb_u(code, pos + 1)
        end = body + size
        if end > len(code):
            raise _Malformed("section size")
        if sid == 1:
            type_params = _types(code, body, s)
        elif sid == 2:
            _imports(code, body, s)
            if s.error:
                return
        elif sid == 3:
            n, q = leb_u(code, body)
            for _ in range(n):
                t, q = leb_u(code, q)
                func_types.append(t)
        elif sid == 4:
            _tables(code, body, s)
        elif sid == 5:
            n, q = leb_u(code, body)
            if n > 1:
                s.features.add(OTHER)  # multi-memory
            for _ in range(n):
                flags = code[q]
                if flags & ~1:
                    s.features.add(OTHER)  # shared / memory64
                _, q = leb_u(code, q + 1)
                if flags & 1:
                    _, q = leb_u(code, q)
        elif sid == 6:
            n, q = leb_u(code, body)
            s.globals += n
            for _ in range(n):
                _valtype(s, code[q])
                q = _const_expr(code, q + 2, s)
        elif sid == 9:
            _elements(code, body, s)
        elif sid == 10:
            _code(code, body, s, type_params, func_types)
        elif sid == 11:
            _data(code, body, s)
        elif sid == 12:
            s.features.add(BULK_MEMORY)  # the data count section
        elif sid not in (0, 7, 8):
            raise _Malformed(f"section {sid}")  # tags (exceptions) or unknown: Deserialization
        pos = end
    s.functions = s.imported_functions + len(func_types)


def _types(code: bytes, q: int, s: ModuleShape) -> list:
    n, q = leb_u(code, q)
    s.types = n
    params = []
    for _ in range(n):
        if code[q] != 0x60:
            s.features.add(OTHER)  # GC types (struct, array, rec, sub)
            raise _Malformed("type form")
        np_, q = leb_u(code, q + 1)
        for t in code[q:q + np_]:
            _valtype(s, t)
        q += np_
        nr, q = leb_u(code, q)
        for t in code[q:q + nr]:
            _valtype(s, t)
        if nr > 1:
            s.features.add(MULTI_VALUE)
        q += nr
        params.append(np_)
    return params


def _imports(code: bytes, q: int, s: ModuleShape) -> None:
    """prepare_v3.rs ``transform_import_section``: only ``env`` functions may be imported."""
    for module, _, kind in import_entries(code, q):
        if module != b"env" or kind in (1, 3):  # another module, a table or a global
            s.error = "Instantiate"
            return
        if kind == 2:
            s.error = "Memory"
            return
        if kind != 0:  # a tag
            s.error = "Deserialization"
            return
        s.imported_functions += 1


def _limits(code: bytes, q: int) -> tuple:
    flags = code[q]
    initial, q = leb_u(code, q + 1)
    if flags & 1:
        _, q = leb_u(code, q)
    return initial, q


def _tables(code: bytes, q: int, s: ModuleShape) -> None:
    n, q = leb_u(code, q)
    s.tables += n
    for _ in range(n):
        if code[q] == 0x40:  # a table with an initialiser expression (function references)
            s.features.add(OTHER)
            raise _Malformed("table initialiser")
        if code[q] != _FUNCREF:
            _valtype(s, code[q])
        initial, q = _limits(code, q + 1)
        s.max_table_initial = max(s.max_table_initial, initial)


def _elements(code: bytes, q: int, s: ModuleShape) -> None:
    n, q = leb_u(code, q)
    for _ in range(n):
        flags, q = leb_u(code, q)
        if flags > 7:
            raise _Malformed("element flags")
        if flags != 0:
            # passive / declarative segments and explicit tables or expressions belong to the
            # bulk-memory and reference-types proposals
            s.features.add(BULK_MEMORY if flags == 1 else REFERENCE_TYPES)
        if flags & 2 and not flags & 1:
            _, q = leb_u(code, q)  # table index
        if not flags & 1:
            q = _const_expr(code, q, s)  # offset
        if flags & 3:
            q += 1  # elemkind / reftype
        count, q = leb_u(code, q)
        for _ in range(count):
            if flags & 4:
                q = _const_expr(code, q, s)
            else:
                _, q = leb_u(code, q)


def _data(code: bytes, q: int, s: ModuleShape) -> None:
    n, q = leb_u(code, q)
    for _ in range(n):
        flags, q = leb_u(code, q)
        if flags == 1:
            s.features.add(BULK_MEMORY)  # passive
        elif flags == 2:
            mem, q = leb_u(code, q)
            s.features.add(OTHER if mem else BULK_MEMORY)
        elif flags != 0:
            raise _Malformed("data flags")
        if flags != 1:
            q = _const_expr(code, q, s)
        ln, q = leb_u(code, q)
        q += ln


def _const_expr(code: bytes, q: int, s: ModuleShape) -> int:
    """Skip a constant expression (up to and with its ``end``)."""
    while True:
        op = code[q]
        q += 1
        if op == 0x0B:
            return q
        if op in (0x41, 0x42, 0x23, 0xD2):
            _, q = leb_u(code, q)
            if op == 0xD2:
                s.features.add(REFERENCE_TYPES)
        elif op == 0x43:
            q += 4
        elif op == 0x44:
            q += 8
        elif op == 0xD0:
            s.features.add(REFERENCE_TYPES)
            q += 1
        elif op == 0xFD:
            s.features.add(SIMD)
            raise _Malformed("v128 constant")
        else:
            s.features.add(OTHER)  # extended constant expressions
            raise _Malformed("constant expression")


def _code(code: bytes, q: int, s: ModuleShape, type_params: list, func_types: list) -> None:
    n, q = leb_u(code, q)
    if n != len(func_types):
        raise _Malformed("function and code section counts differ")
    for i in range(n):
        size, q = leb_u(code, q)
        end = q + size
        s.max_body_size = max(s.max_body_size, end - q)
        nl, r = leb_u(code, q)
        for _ in range(nl):
            count, r = leb_u(code, r)
            _valtype(s, code[r])
            r += 1
            s.locals += count
        params = type_params[func_types[i]] if func_types[i] < len(type_params) else 0
        s.max_params = max(s.max_params, params)
        s.params += params
        blocks = _body(code, r, end, s)
        s.max_blocks = max(s.max_blocks, blocks)
        s.blocks += blocks
        q = end


_NO_IMM = set(range(0x45, 0xC5)) | {0x00, 0x01, 0x05, 0x0B, 0x0F, 0x1A, 0x1B}
_ONE_LEB = {0x0C, 0x0D, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24}


def _body(code: bytes, q: int, end: int, s: ModuleShape) -> int:
    """Scan one function body for the proposals it uses; returns its number of blocks
    (block, loop, if).  Stops at the first instruction of a proposal that is never enabled
    (its immediates are not decoded), which is enough to refuse the module."""
    blocks = 0
    while q < end:
        op = code[q]
        q += 1
        if op in _NO_IMM:
            continue
        if op in _ONE_LEB:
            _, q = leb_u(code, q)
        elif op in (0x02, 0x03, 0x04):
            blocks += 1
            b = code[q]
            if b == 0x40 or b in _NUM_TYPES:
                q += 1
            elif b in (_V128, _FUNCREF, _EXTERNREF):
                _valtype(s, b)
                q += 1
            else:  # a type index: blocks with parameters or several results
                s.features.add(MULTI_VALUE)
                q = _skip_sleb(code, q)
        elif op == 0x0E:  # br_table
            count, q = leb_u(code, q)
            for _ in range(count + 1):
                _, q = leb_u(code, q)
        elif op == 0x11:  # call_indirect type table
            _, q = leb_u(code, q)
            table, q = leb_u(code, q)
            if table:
                s.features.add(REFERENCE_TYPES)
        elif op == 0x1C:  # typed select
            s.features.add(REFERENCE_TYPES)
            count, q = leb_u(code, q)
            for t in code[q:q + count]:
                _valtype(s, t)
            q += count
        elif op in (0x25, 0x26):  # table.get / table.set
            s.features.add(REFERENCE_TYPES)
            _, q = leb_u(code, q)
        elif 0x28 <= op <= 0x3E:  # loads and stores: align, offset
            align, q = leb_u(code, q)
            if align & 0x40:
                s.features.add(OTHER)  # multi-memory
                _, q = leb_u(code, q)
            _, q = leb_u(code, q)
        elif op in (0x3F, 0x40):  # memory.size / memory.grow
            mem, q = leb_u(code, q)
            if mem:
                s.features.add(OTHER)
        elif op in (0x41, 0x42):
            q = _skip_sleb(code, q)
        elif op == 0x43:
            q += 4
        elif op == 0x44:
            q += 8
        elif op == 0xD0:  # ref.null t
            s.features.add(REFERENCE_TYPES)
            q += 1
        elif op == 0xD1:  # ref.is_null
            s.features.add(REFERENCE_TYPES)
        elif op == 0xD2:  # ref.func
            s.features.add(REFERENCE_TYPES)
            _, q = leb_u(code, q)
        elif op == 0xFC:
            sub, q = leb_u(code, q)
            if sub <= 7:
                s.features.add(SATURATING_FLOAT_TO_INT)
            elif sub == 8:  # memory.init data mem
                s.features.add(BULK_MEMORY)
                _, q = leb_u(code, q)
                q += 1
            elif sub in (9, 13):  # data.drop / elem.drop
                s.features.add(BULK_MEMORY)
                _, q = leb_u(code, q)
            elif sub == 10:  # memory.copy dst src
                s.features.add(BULK_MEMORY)
                q += 2
            elif sub == 11:  # memory.fill mem
                s.features.add(BULK_MEMORY)
                q += 1
            elif sub in (12, 14):  # table.init elem table / table.copy dst src
                s.features.add(BULK_MEMORY)
                _, q = leb_u(code, q)
                _, q = leb_u(code, q)
            elif sub in (15, 16, 17):  # table.grow / size / fill
                s.features.add(REFERENCE_TYPES)
                _, q = leb_u(code, q)
            else:
                s.features.add(OTHER)
                return blocks
        elif op == 0xFD:
            s.features.add(SIMD)
            return blocks
        else:  # threads (0xFE), tail calls (0x12, 0x13), exceptions, GC, ...
            s.features.add(OTHER)
            return blocks
    return blocks


def _skip_sleb(code: bytes, q: int) -> int:
    while code[q] & 0x80:
        q += 1
    return q + 1
