"""Modelling NEAR's per-call frame charge on top of wasmtime fuel (spec 5.7).

NEAR (finite-wasm, nearcore ``prepare/instrument_v3.rs``) charges, on entry to every function,
``ceil(frame_size / 8)`` ops of ``regular_op_cost``, where
``frame_size = 64 + sum(sizeof(param or local))`` (i32/f32 4 bytes, i64/f64 8, v128 16,
references 8).  wasmtime fuel has no such charge.  We model it exactly, per function, by
inserting ``K`` times ``i32.const 0; drop`` at the start of every function body: ``i32.const``
costs 1 fuel and ``drop`` 0, so each call of the function consumes ``K`` extra fuel = ``K`` NEAR
ops.  Cranelift folds the constants away; only the fuel counter sees them, so this costs no run
time (compile time and module size grow a little).

Everything else about fuel vs NEAR ops (``drop``/``nop``/``loop``/``return``/``unreachable``
free in wasmtime but 1 op in NEAR, ``end`` 1 fuel but 0 ops in NEAR, bulk-memory ops charged
per byte by NEAR) is NOT corrected; docs/gas-model.md gives the measured effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VERSION = "frame1"  # bump when the instrumentation changes (part of the module cache key)

_VALTYPE_SIZE = {0x7F: 4, 0x7E: 8, 0x7D: 4, 0x7C: 8, 0x7B: 16, 0x70: 8, 0x6F: 8}
_PAD = b"\x41\x00\x1a"  # i32.const 0; drop


def _leb_u(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


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
    """NEAR's frame charge of one call, in ops (spec 5.7)."""
    size = 64 + sum(_VALTYPE_SIZE.get(t, 8) for t in param_types) + \
        sum(_VALTYPE_SIZE.get(t, 8) for t in local_types)
    return (size + 7) // 8


@dataclass
class MeteringInfo:
    instrumented: bytes
    frame_ops: list = field(default_factory=list)  # per defined function

    @classmethod
    def analyse(cls, code: bytes) -> "MeteringInfo":
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
    while pos < len(code):
        sid = code[pos]
        size, p = _leb_u(code, pos + 1)
        body_start, end = p, p + size
        if sid == 1:  # type section
            n, q = _leb_u(code, body_start)
            for _ in range(n):
                assert code[q] == 0x60, "unsupported type form"
                np_, q = _leb_u(code, q + 1)
                params = list(code[q:q + np_])
                q += np_
                nr, q = _leb_u(code, q)
                q += nr
                types.append(params)
        elif sid == 2:  # imports
            n, q = _leb_u(code, body_start)
            for _ in range(n):
                ml, q = _leb_u(code, q)
                q += ml
                nl, q = _leb_u(code, q)
                q += nl
                kind = code[q]
                q += 1
                if kind == 0:
                    _, q = _leb_u(code, q)
                    n_imported_funcs += 1
                elif kind == 1:  # table: reftype + limits
                    q += 1
                    flag = code[q]
                    _, q = _leb_u(code, q + 1)
                    if flag & 1:
                        _, q = _leb_u(code, q)
                elif kind == 2:  # memory limits
                    flag = code[q]
                    _, q = _leb_u(code, q + 1)
                    if flag & 1:
                        _, q = _leb_u(code, q)
                elif kind == 3:  # global
                    q += 2
                else:
                    _, q = _leb_u(code, q)  # tag
        elif sid == 3:  # function section
            n, q = _leb_u(code, body_start)
            for _ in range(n):
                t, q = _leb_u(code, q)
                func_types.append(t)
        elif sid == 10:  # code section: rewrite
            n, q = _leb_u(code, body_start)
            new = bytearray(_enc_u(n))
            for i in range(n):
                bsize, q = _leb_u(code, q)
                bend = q + bsize
                nl, r = _leb_u(code, q)
                local_types = []
                for _ in range(nl):
                    cnt, r = _leb_u(code, r)
                    local_types += [code[r]] * cnt
                    r += 1
                params = types[func_types[i]] if i < len(func_types) else []
                k = frame_ops(params, local_types)
                frames.append(k)
                body = code[q:r] + _PAD * k + code[r:bend]
                new += _enc_u(len(body)) + body
                q = bend
            out.append(10)
            out += _enc_u(len(new)) + new
            pos = end
            continue
        out += code[pos:end]
        pos = end
    return bytes(out), frames
