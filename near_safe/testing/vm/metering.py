"""Modelling NEAR's Wasm op charges on top of wasmtime fuel (docs/protocol.md 5.7).

NEAR (protocol 84, finite-wasm + nearcore ``prepare/instrument_v3.rs``) charges
``regular_op_cost`` per executed operator except ``block``/``end``/``else``, plus on entry to
every function a frame charge of ``ceil(frame_size / 8)`` ops with
``frame_size = 64 + sum(sizeof(param or local))`` (i32/f32 4 bytes, i64/f64 8, v128 16, refs
8), plus ``linear_op_base_cost`` (32 ops) + n per bulk-memory operation of n bytes.

wasmtime 50 fuel, measured (tests/vm/test_metering.py): 1 per operator except ``nop``,
``drop``, ``block``, ``loop``, ``else``, ``end``, ``unreachable``, ``return`` (0); 1 for leaving
a function; ``memory.copy``/``memory.fill`` 1 + n.

So we rewrite the module once before compiling so that fuel == NEAR ops: we insert
``i32.const 0; drop`` (exactly 1 fuel, stack-neutral, folded away by Cranelift so it costs no
run time) ``K - 1`` times at each function entry (frame charge minus wasmtime's 1 for leaving),
once before every ``drop``/``nop``/``loop``/``unreachable``/``return``, and 32 times before every
``memory.copy``/``memory.fill``/``memory.init``.  What remains approximate is listed in
docs/gas-model.md (``memory.grow``, ``table.*`` bulk ops, SIMD functions fall back to the frame
charge only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

VERSION = "ops2"  # bump when the instrumentation changes (part of the module cache key)

_VALTYPE_SIZE = {0x7F: 4, 0x7E: 8, 0x7D: 4, 0x7C: 8, 0x7B: 16, 0x70: 8, 0x6F: 8}
_PAD = b"\x41\x00\x1a"  # i32.const 0; drop  == exactly 1 fuel
_LINEAR_BASE_OPS = 32  # linear_op_base_cost / regular_op_cost = 26_328_192 / 822_756

# opcode classes for the decoder
_NO_IMM = set(range(0x45, 0xC5)) | {0x00, 0x01, 0x05, 0x0B, 0x0F, 0x1A, 0x1B, 0xD1}
_ONE_LEB = {0x0C, 0x0D, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xD2, 0x3F, 0x40, 0x12}
_PLUS_ONE = {0x00, 0x01, 0x03, 0x0F, 0x1A}  # unreachable, nop, loop, return, drop


class _Unsupported(Exception):
    pass


def _skip_leb(buf, pos):
    while buf[pos] & 0x80:
        pos += 1
    return pos + 1


def _rewrite_body(code: bytes, start: int, end: int) -> bytes:
    """Copy the instructions code[start:end] inserting the fuel corrections (module doc)."""
    out = bytearray()
    pos = start
    last = start
    while pos < end:
        op = code[pos]
        if op in _PLUS_ONE:
            out += code[last:pos]
            out += _PAD
            last = pos
            pos += 1
            if op == 0x03:
                pos = _skip_blocktype(code, pos)
            continue
        pos += 1
        if op in _NO_IMM:
            continue
        if op in _ONE_LEB:
            pos = _skip_leb(code, pos)
        elif op == 0x02 or op == 0x04:
            pos = _skip_blocktype(code, pos)
        elif op == 0x0E:  # br_table
            n, pos = leb_u(code, pos)
            for _ in range(n + 1):
                pos = _skip_leb(code, pos)
        elif op == 0x11 or op == 0x13:  # call_indirect type table
            pos = _skip_leb(code, _skip_leb(code, pos))
        elif op == 0x1C:  # select t*
            n, pos = leb_u(code, pos)
            pos += n
        elif 0x28 <= op <= 0x3E:  # memarg
            align, pos = leb_u(code, pos)
            if align & 0x40:
                pos = _skip_leb(code, pos)
            pos = _skip_leb(code, pos)
        elif op == 0x41 or op == 0x42:
            pos = _skip_leb(code, pos)
        elif op == 0x43:
            pos += 4
        elif op == 0x44:
            pos += 8
        elif op == 0xD0:
            pos += 1
        elif op == 0xFC:
            sub, q = leb_u(code, pos)
            if sub <= 7:
                pos = q
            elif sub in (8, 10, 11):  # memory.init / copy / fill: NEAR adds the linear base
                out += code[last:pos - 1]
                out += _PAD * _LINEAR_BASE_OPS
                last = pos - 1
                if sub == 8:
                    pos = _skip_leb(code, q)
                    pos += 1
                elif sub == 10:
                    pos = q + 2
                else:
                    pos = q + 1
            elif sub in (9, 13, 15, 16, 17):
                pos = _skip_leb(code, q)
            elif sub in (12, 14):
                pos = _skip_leb(code, _skip_leb(code, q))
            else:
                raise _Unsupported(f"0xfc {sub}")
        else:
            raise _Unsupported(hex(op))
    out += code[last:end]
    return bytes(out)


def _skip_blocktype(code, pos):
    b = code[pos]
    if b == 0x40 or b in _VALTYPE_SIZE:
        return pos + 1
    return _skip_leb(code, pos)


def leb_u(buf, pos):
    """The unsigned LEB128 at ``buf[pos]``: ``(value, position after it)``."""
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def import_entries(code: bytes, start: int):
    """The import section whose body starts at ``start``: ``(module, name, kind)`` per entry
    (kind 0 function, 1 table, 2 memory, 3 global, 4 tag)."""
    n, q = leb_u(code, start)
    for _ in range(n):
        ml, q = leb_u(code, q)
        module = code[q:q + ml]
        q += ml
        nl, q = leb_u(code, q)
        name = code[q:q + nl]
        q += nl
        kind = code[q]
        q += 1
        if kind == 1:  # table: reftype, then limits
            q += 1
        if kind in (1, 2):  # limits: flag, min, max if flag & 1
            flag = code[q]
            _, q = leb_u(code, q + 1)
            if flag & 1:
                _, q = leb_u(code, q)
        elif kind == 3:  # global: value type, mutability
            q += 2
        elif kind == 4:  # tag: attribute, type index
            _, q = leb_u(code, q + 1)
        else:  # function: type index
            _, q = leb_u(code, q)
        yield module, name, kind


def _enc_u(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def frame_ops(param_types: list, local_types: list) -> int:
    """NEAR's frame charge of one call, in ops (docs/protocol.md 5.7)."""
    size = 64 + sum(_VALTYPE_SIZE.get(t, 8) for t in param_types) + \
        sum(_VALTYPE_SIZE.get(t, 8) for t in local_types)
    return (size + 7) // 8


@dataclass
class MeteringInfo:
    instrumented: bytes
    frame_ops: list = field(default_factory=list)  # per defined function
    unsupported: int = 0  # functions left with the frame charge only (undecodable ops)

    @classmethod
    def analyse(cls, code: bytes) -> MeteringInfo:
        """Parse the module's type/import/function/code sections and add the frame charge.
        Text (WAT) input is converted to binary first."""
        if not code.startswith(b"\0asm"):
            import wasmtime
            code = bytes(wasmtime.wat2wasm(code.decode() if isinstance(code, bytes) else code))
        return cls(*_instrument(code))


def _instrument(code: bytes):
    pos = 8
    types: list = []  # list of param type lists
    n_imported_funcs = 0
    func_types: list = []
    out = bytearray(code[:8])
    frames: list = []
    unsupported = 0
    while pos < len(code):
        sid = code[pos]
        size, p = leb_u(code, pos + 1)
        body_start, end = p, p + size
        if sid == 1:  # type section
            n, q = leb_u(code, body_start)
            for _ in range(n):
                assert code[q] == 0x60, "unsupported type form"
                np_, q = leb_u(code, q + 1)
                params = list(code[q:q + np_])
                q += np_
                nr, q = leb_u(code, q)
                q += nr
                types.append(params)
        elif sid == 2:  # imports
            n_imported_funcs += sum(1 for _, _, kind in import_entries(code, body_start)
                                    if kind == 0)
        elif sid == 3:  # function section
            n, q = leb_u(code, body_start)
            for _ in range(n):
                t, q = leb_u(code, q)
                func_types.append(t)
        elif sid == 10:  # code section: rewrite
            n, q = leb_u(code, body_start)
            new = bytearray(_enc_u(n))
            for i in range(n):
                bsize, q = leb_u(code, q)
                bend = q + bsize
                nl, r = leb_u(code, q)
                local_types = []
                for _ in range(nl):
                    cnt, r = leb_u(code, r)
                    local_types += [code[r]] * cnt
                    r += 1
                params = types[func_types[i]] if i < len(func_types) else []
                k = frame_ops(params, local_types)
                frames.append(k)
                try:
                    # -1: wasmtime charges 1 fuel for leaving a function, NEAR nothing
                    body = code[q:r] + _PAD * (k - 1) + _rewrite_body(code, r, bend)
                except (_Unsupported, IndexError):
                    unsupported += 1  # e.g. SIMD: frame charge only
                    body = code[q:r] + _PAD * k + code[r:bend]
                new += _enc_u(len(body)) + body
                q = bend
            out.append(10)
            out += _enc_u(len(new)) + new
            pos = end
            continue
        out += code[pos:end]
        pos = end
    return bytes(out), frames, unsupported
