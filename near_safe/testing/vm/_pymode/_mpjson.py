"""MicroPython's ``json`` module in CPython mode (extmod/modjson.c).  CPython only."""

from __future__ import annotations

import json
import math
import re

from ._mpobjects import MPDict, _mp_order
from ._mpport import _call as _port_call
from ._mpport import charge_obj, mp_deep_size, mp_size

# ------------------------------------------------------------ MicroPython's json module
#
# Contracts parse their input and build their results with ``json``; MicroPython's json
# (extmod/modjson.c) differs from CPython's where tests look: ``dumps`` writes non-ASCII text as
# UTF-8 (no \uXXXX), bytes as strings, floats with 16 significant digits, and accepts anything
# (an object prints its repr); ``loads`` treats commas and colons as whitespace (so ``[1,2,]``
# parses), rejects NaN, and every error is ``ValueError("syntax error in JSON")``.  CPython mode
# swaps these in for ``json.loads``/``json.dumps`` during a call; objects come out in
# MicroPython's dict order (see MicroPython's dict order below).


def _mp_json_dumps(obj, *args, separators=None, **kwargs):
    if args:
        raise TypeError(f"function takes 1 positional arguments but {1 + len(args)} were given")
    if kwargs:
        raise TypeError(f"unexpected keyword argument '{next(iter(kwargs))}'")
    if separators is None:
        item_sep, key_sep = ", ", ": "
    else:
        if type(separators) not in (tuple, list):
            raise TypeError(f"object '{type(separators).__name__}' isn't a tuple or list")
        if len(separators) != 2:
            raise ValueError("tuple/list has wrong length")
        item_sep, key_sep = separators
    out = []
    _mp_json_print(obj, out, item_sep, key_sep)
    text = "".join(out)
    if _port_call[0] is not None:
        charge_obj(text, mp_size(text) + 16)  # the str, and the vstr it grew in
    return text


def _mp_json_str(data: bytes) -> str:
    """``mp_str_print_json``: byte by byte; non-ASCII bytes pass through."""
    out = bytearray(b'"')
    for b in data:
        if b == 0x22 or b == 0x5C:
            out += b"\\" + bytes((b,))
        elif b >= 32:
            out.append(b)
        elif b == 0x0A:
            out += b"\\n"
        elif b == 0x0D:
            out += b"\\r"
        elif b == 0x09:
            out += b"\\t"
        else:
            out += b"\\u%04x" % b
    out += b'"'
    return out.decode("utf-8", "surrogateescape")


def _mp_float_repr(value: float) -> str:
    """``float_print``: 16 significant digits, ``.0`` added to integral values; inf, nan."""
    if math.isnan(value):
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    text = format(value, ".16g")
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def _mp_json_print(obj, out: list, item_sep: str, key_sep: str) -> None:
    t = type(obj)
    if obj is None:
        out.append("null")
    elif t is bool:
        out.append("true" if obj else "false")
    elif t is int:
        out.append(str(obj))
    elif t is float:
        out.append(_mp_float_repr(obj))
    elif t is str:
        out.append(_mp_json_str(obj.encode("utf-8", "surrogatepass")))
    elif t in (bytes, bytearray):
        out.append(_mp_json_str(bytes(obj)))
    elif t in (list, tuple):
        out.append("[")
        for i, item in enumerate(obj):
            if i:
                out.append(item_sep)
            _mp_json_print(item, out, item_sep, key_sep)
        out.append("]")
    elif isinstance(obj, dict):
        out.append("{")
        for i, key in enumerate(_mp_order(obj)):
            value = dict.__getitem__(obj, key)
            if i:
                out.append(item_sep)
            quote = type(key) not in (str, bytes)
            if quote:
                out.append('"')
            _mp_json_print(key, out, item_sep, key_sep)
            if quote:
                out.append('"')
            out.append(key_sep)
            _mp_json_print(value, out, item_sep, key_sep)
        out.append("}")
    else:
        out.append(repr(obj))  # MicroPython prints any object (its repr), CPython raises


_JSON_SKIP = frozenset(b" \t\n\r,:")
_JSON_SPACE = frozenset(b" \t\n\r\v\f")
_JSON_NUM = frozenset(b"+-0123456789")
_NULL = object()


_C_DECODER = json.JSONDecoder(object_pairs_hook=lambda pairs: _mpdict_from_pairs(pairs),
                              parse_constant=lambda name: _reject(name))
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _reject(name):
    raise ValueError(name)


def _mpdict_from_pairs(pairs):
    d = MPDict()  # mp_obj_new_dict(0), then each pair stored in order
    for key, value in pairs:
        d[key] = value
    return d


def _mp_json_loads(obj):
    """``json.loads`` of the port, its result charged to the heap budget (_mpport)."""
    from ._modnear import _LAST_WINS

    if not _LAST_WINS[0] and type(obj) not in (str, bytes, bytearray):
        raise TypeError("object with buffer protocol required")  # the first raise (patched)
    value = _mp_json_loads_value(obj)
    if _port_call[0] is not None:
        # the objects, plus the parser's stack and string buffers (about half the input's
        # length: measured with 100 and 600 empty lists against gc.mem_alloc() in the Wasm)
        size = len(obj) if type(obj) in (str, bytes, bytearray) else 0
        charge_obj(value, mp_deep_size(value) + ((size // 2 + 15) & ~15))
    return value


def _mp_json_loads_value(obj):
    """``mod_json_load``.  Strict JSON (what CPython's C decoder accepts without NaN/Infinity,
    surrogate escapes, which MicroPython keeps unpaired) parses to the same objects in both, so
    it takes the C decoder; anything else takes :func:`_mp_json_parse`, MicroPython's parser
    byte for byte."""
    text = obj if type(obj) is str else None
    if type(obj) is bytes:
        try:
            text = obj.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is not None and not ("\\u" in text and _SURROGATE_ESCAPE.search(text)):
        try:
            value, end = _C_DECODER.raw_decode(text, _skip_json_ws(text))
            if _skip_json_ws(text, end) == len(text):
                return value
        except (ValueError, RecursionError):
            pass
    return _mp_json_parse(obj)


def _skip_json_ws(text: str, pos: int = 0) -> int:
    n = len(text)
    while pos < n and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _mp_json_parse(obj):
    """``mod_json_load``, byte for byte (a superset of JSON; see the section comment)."""
    if isinstance(obj, str):
        data = obj.encode("utf-8", "surrogatepass")
    elif isinstance(obj, (bytes, bytearray, memoryview)):
        data = bytes(obj)
    else:
        data = b""  # mp_get_buffer_raise's TypeError is then overwritten by the parse failure
    syntax = ValueError("syntax error in JSON")
    n = len(data)
    pos = 0
    pending = None
    stack = []
    top = key = _NULL

    def cur():
        return data[pos] if pos < n else 0

    while True:
        if pos >= n:
            break
        c = data[pos]
        pos += 1
        enter = False
        if c in _JSON_SKIP:
            continue
        if c in b"nft":
            word = {0x6E: b"ull", 0x66: b"alse", 0x74: b"rue"}[c]
            if data[pos:pos + len(word)] != word:
                raise syntax
            pos += len(word)
            value = {0x6E: None, 0x66: False, 0x74: True}[c]
        elif c == 0x22:
            buf = bytearray()
            while pos < n and data[pos] != 0x22:
                b = data[pos]
                if b == 0x5C:
                    pos += 1
                    b = cur()
                    if b == 0x75:  # \uXXXX: lenient hex, any code point
                        num = 0
                        for _ in range(4):
                            pos += 1
                            d = ((cur() | 0x20) - 0x30) & 0xFF
                            if d > 9:
                                d = (d - 0x27) & 0xFF
                            num = ((num << 4) | d) & 0xFFFFFFFF
                        buf += chr(min(num, 0x10FFFF)).encode("utf-8", "surrogatepass")
                        pos += 1
                        continue
                    b = {0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09}.get(b, b)
                buf.append(b)
                pos += 1
            if pos >= n:
                raise syntax
            pos += 1
            try:
                value = buf.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                pending, value = UnicodeError(), None
        elif c in _JSON_NUM:
            start, flt = pos - 1, False
            while pos < n:
                b = data[pos]
                if b in b".eE":
                    flt = True
                elif b not in _JSON_NUM:
                    break
                pos += 1
            text = data[start:pos].decode()
            try:
                value = float(text) if flt else int(text, 10)
            except ValueError:
                value = None
                pending = ValueError("invalid syntax for number" if flt else
                                     "invalid syntax for integer with base 10")
        elif c == 0x5B:
            value, enter = [], True
        elif c == 0x7B:
            value, enter = MPDict(), True  # mp_obj_new_dict(0)
        elif c in b"]}":
            if top is _NULL:
                raise syntax
            if not stack:
                break  # finished: a compound object
            top = stack.pop()
            continue
        else:
            raise syntax
        if top is _NULL:
            top = value
            if not enter:
                break  # finished: a single primitive
        else:
            if type(top) is list:
                top.append(value)
            elif key is _NULL:
                key = value
                if enter:
                    raise syntax
            else:
                top[key] = value
                key = _NULL
            if enter:
                stack.append(top)
                top = value
    while pos < n and data[pos] in _JSON_SPACE:
        pos += 1
    if pos < n or top is _NULL or stack:
        raise syntax
    if pending is not None:
        raise pending
    return top
