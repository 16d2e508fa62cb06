"""near_safe's contract-side root: NEAR's safe cross-contract patterns by construction.

The builder freezes this file into every contract's Wasm *as* ``near_safe/__init__.py``, where
it runs under MicroPython on every call, so it must stay small and MicroPython-safe (see
docs/architecture.md).  Under CPython, ``near_safe/__init__.py`` is a front door that imports
this module on the first use of one of its names, so importing a tool never runs it.

Why the safety API lives in this one file (docs/safety.md is the user guide): MicroPython runs
the whole import on EVERY call, and each module-level name costs about 2 Ggas to bind, a
function 2.7, a class 11 plus about 4 per method, a module's first import about 52 and
``import json`` 45 (``python bench/bench_import_costs.py``).  Split into four modules
re-exported here, importing near_safe cost 1.1 Tgas per call; as it is now, about 0.5 Tgas.  So the
decorators, argument kinds and strict input are here; ``contract/_state.py`` (state, ledgers,
locks; used by nearly every method) is imported eagerly, ``contract/_promise.py`` (safe_call)
only when a method makes a cross-contract call, ``contract/_builders.py`` (near-sdk-py's
builders, frozen only into a contract that names them) only when it builds a chain, and
``contract/_xcc.py`` (results and settlement) only when a callback settles one.

Sections: constants - argument kinds - strict JSON input - decorators - cross-contract API.
"""

import json
import sys

# The real host module: MicroPython's (nearc's default backend) or, in nearc 0.10's CPython
# backend (CPython 3.13 for Wasm), a builtin module too; the `or` is never evaluated under
# MicroPython.  CPython tooling: the runtime's stand-in, never put in sys.modules by importing
# near_safe.
if sys.implementation.name == "micropython" or "near" in sys.builtin_module_names:
    import near
else:
    from ._host import near

from .contract import _state as state

# _state's names bound from the module, not by a second import statement (that one, a dotted
# relative import, cost every call 11 Ggas; bench/bench_import_costs.py prices each construct);
# near_safe.Promise is the builders' stand-in (__getattr__), so _state's Promise is _Promise here
ContractError = state.ContractError
_Promise = state.Promise
assert_unlocked = state.assert_unlocked
is_locked = state.is_locked
require = state.require

__version__ = "0.1.0"  # also near_safe/__init__.py's (CPython); tests/package checks they agree

# --- constants ---------------------------------------------------------------------------------

TGAS = 1000000000000
# Reserved gas for a near_safe callback (static, weight 0).  Measured on the embedded runtime,
# Wasm mode, by bench/bench_safety.py: near_safe's callbacks with a trivial body burn 2.7-3.0
# Tgas on their success and failure paths (refund, restore, unlock), 3.6 Tgas when the body
# raises and is logged - mostly MicroPython start-up and contract loading.  10 Tgas leaves
# about 6 Tgas for the callback body; pass callback_gas= for heavier bodies.  (A Rust contract's
# usual 5 Tgas does not carry over: a trivial Python method alone burns several Tgas.)
#
# nearc 0.10's CPython backend (CPython 3.13 in the Wasm, where `near` is a builtin module):
# CPython's start-up burns about 40 Tgas of every call before the method runs (41-45 Tgas per
# call in all, uncompressed; bench/bench_backends.py), so its callbacks reserve 50 Tgas.  The
# builder refuses a callback whose reserve is below what it measures (either backend).
_PYWASM = sys.implementation.name != "micropython" and "near" in sys.builtin_module_names
_CALLBACK_GAS_PY = 50 * TGAS  # (the builder's check reads it for that backend)
CALLBACK_GAS = 10 * TGAS  # a literal: near-safe check reads it from this file's syntax tree
if _PYWASM:
    CALLBACK_GAS = _CALLBACK_GAS_PY
# Minimum static gas for the external call (it also gets all unused gas, by weight 1).
EXTERNAL_GAS = 10 * TGAS
# The calling method's own work after safe_call's gas check: the two receipts' fees (the
# callee's and the callback's exec fees are prepaid as used gas, docs/protocol.md 2.7/5.1), the
# in-flight record and lock writes, the return and MicroPython's tear-down.  Measured as above
# (least prepaid gas that completes deposit-and-stake with own_gas=0, minus the gas used before the
# check and the two static reservations): 2.2-3.2 Tgas.  5 Tgas leaves about 2 Tgas for a
# little work after safe_call returns; pass own_gas= when the method does more.
OWN_GAS = 5 * TGAS
# Gas a refund transfer needs in the callback (receipt creation + transfer fees,
# docs/protocol.md 5.1, plus the host calls), with margin.  Below it the refund becomes a claimable
# balance.
REFUND_GAS = TGAS
# Promise results larger than this are not decoded (the host still copies them in: 12 KB
# cost 0.34 Tgas).  Decoding JSON in MicroPython grows faster than the size (1 KB 0.4 Tgas,
# 4 KB 1.9 Tgas, 8 KB over 8 Tgas, measured as above), so the default keeps a hostile callee
# from starving a callback with CALLBACK_GAS; raise it with callback(max_result=...) and
# callback_gas= together.  (16384 was the first default: near_safe's explorer found a 12 KB
# result starving the settlement.)  The heap bounds it too: on plain nearc's 32,000-byte heap a
# callback body starts with about 25,200 bytes free, and 2,048 bytes of answer plus a decode
# within contract/_xcc.py's RESULT_HEAP (12,000 bytes, checked with bytes.count before any
# decode; a decode that could take more than half the gas left is refused too) leave about
# 11,000 bytes for the body and the settlement (python bench/bench_results.py).
MAX_RESULT = 2048
# The most one action can send (None: any u128).  nearc 0.10's CPython backend converts amounts
# through a signed 64-bit integer: 2**63 yoctoNEAR or more (9.2 micro-NEAR) raises ValueError
# ("Value must be non-negative") in every transfer and deposit (tests/builder/test_toolchains.py).
# There, a method refuses a larger attached deposit (it could never be sent back), safe_call a
# larger deposit or refund, and a larger refund becomes claimable, paid MAX_SEND per claim().
MAX_SEND = 2**63 - 1 if _PYWASM else None

# --- argument kinds ------------------------------------------------------------------------
# MicroPython keeps no __annotations__ at run time, so a method declares its arguments:
# @call(args={"amount": AMOUNT, "receiver": ACCOUNT, "memo": optional(STR)}).  A kind is a
# short string; optional(kind) prefixes it with "?".

INT = "int"  # a JSON integer within +-(2^53 - 1): larger ones lose precision in JS clients
STR = "str"
BOOL = "bool"
AMOUNT = "amount"  # yoctoNEAR (u128) as a decimal string; the body gets an int
ACCOUNT = "account"  # a NEAR account id, validated against NEAR's rules
LIST = "list"
DICT = "dict"
ANY = "any"  # any JSON value, unchecked

_DESC = {
    INT: "an integer below 2^53",
    STR: "a string",
    BOOL: "true or false",
    AMOUNT: "a yoctoNEAR amount as a decimal string",
    ACCOUNT: "a valid NEAR account id",
    LIST: "a list",
    DICT: "an object",
    ANY: "any JSON value",
}


def optional(kind):
    """Mark a declared argument as optional: when absent, the function's default applies."""
    return "?" + kind


def is_account_id(s):
    """NEAR's account id rule: 2-64 chars of ``a-z 0-9``, in parts joined by one ``-``, ``_``
    or ``.``; no separator first, last or next to another (nearcore ``AccountId::validate``).
    Written with str methods, not a loop per character: each bytecode costs gas in the Wasm."""
    if type(s) is not str or not 2 <= len(s) <= 64:
        return False
    for part in s.replace("-", ".").replace("_", ".").split("."):
        # empty: two separators in a row, or one at an end; strip() leaves foreign characters
        if not part or part.strip("abcdefghijklmnopqrstuvwxyz0123456789"):
            return False
    return True


def convert(kind, v):
    """``(True, value)`` with AMOUNT turned into an int, or ``(False, None)``."""
    t = type(v)
    if kind == INT:
        return (t is int and -9007199254740991 <= v <= 9007199254740991), v
    if kind == AMOUNT:
        # Digits only, no sign, no leading zero, at most u128::MAX (39 digits).
        if (t is not str or not v or len(v) > 39 or (v[0] == "0" and len(v) > 1)
                or v.strip("0123456789")):
            return False, None
        n = int(v)
        return n >> 128 == 0, n
    if kind == STR:
        return t is str, v
    if kind == ACCOUNT:
        return is_account_id(v), v
    if kind == BOOL:
        return t is bool, v
    if kind == LIST:
        return isinstance(v, list), v
    if kind == DICT:
        return isinstance(v, dict), v
    return True, v  # ANY


if sys.implementation.name == "micropython":
    _MisuseBase = TypeError
else:  # CPython (tests, builder): tool-side errors derive from NearSafeError
    from .errors import NearSafeError

    class _MisuseBase(NearSafeError, TypeError):
        pass


class MisuseError(_MisuseBase):
    """A decorator or primitive used wrongly.  Raised when the decorator is applied, i.e. when
    the contract module is imported (in the Wasm: every call fails and logs it)."""


# --- strict JSON input ------------------------------------------------------------------------


def _fail(method, what):
    near.panic_utf8("Method " + method + ": " + what)


def _hex4(s, k, n):
    """The value of the 4 hex digits at ``s[k:k+4]``, or -1."""
    if k + 4 > n:
        return -1
    v = 0
    for k in range(k, k + 4):
        c = s[k]
        if 48 <= c <= 57:
            v = v * 16 + c - 48
        elif 97 <= c | 32 <= 102:  # a-f, A-F
            v = v * 16 + (c | 32) - 87
        else:
            return -1
    return v


def _utf8(s, k, c, n):
    """Index after the UTF-8 sequence whose lead byte ``c`` (> 127) is ``s[k - 1]``, or -1 when
    it is not UTF-8 as CPython decodes it: no overlong forms, no encoded surrogates, nothing
    above U+10FFFF (the first continuation byte's range depends on the lead byte).  Also
    contract/_text.py's check of a non-JSON answer."""
    if c < 0xC2 or c > 0xF4:  # a continuation byte, an overlong lead, or above U+10FFFF
        return -1
    m = 1 if c < 0xE0 else 2 if c < 0xF0 else 3  # continuation bytes
    lo = 0xA0 if c == 0xE0 else 0x90 if c == 0xF0 else 0x80  # no overlong forms
    hi = 0x9F if c == 0xED else 0x8F if c == 0xF4 else 0xBF  # no surrogates, <= U+10FFFF
    if k + m > n or not lo <= s[k] <= hi:
        return -1
    for j in range(k + 1, k + m):
        if s[j] & 0xC0 != 0x80:
            return -1
    return k + m


def _string_check(s, k, n):
    """Index after the closing quote of the JSON string whose text starts at ``s[k]``, or -1
    when it is not JSON as CPython reads it: a raw control character, an escape other than
    ``\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX``, a lone surrogate, or text that is not UTF-8
    (overlong forms, encoded surrogates and code points above U+10FFFF included).  One byte
    at a time, so only strings that need it come here (``_string_end``)."""
    while k < n:
        c = s[k]
        k += 1
        if c == 34:  # '"'
            return k
        if c == 92:  # backslash
            if k >= n:
                return -1
            c = s[k]
            k += 1
            if c == 117:  # \uXXXX
                u = _hex4(s, k, n)
                k += 4
                if 0xD800 <= u <= 0xDBFF:  # a high surrogate: a low one must follow
                    if k + 1 >= n or s[k] != 92 or s[k + 1] != 117:
                        return -1
                    u = _hex4(s, k + 2, n)
                    k += 6
                    if not 0xDC00 <= u <= 0xDFFF:
                        return -1
                elif u < 0 or 0xDC00 <= u <= 0xDFFF:
                    return -1
            elif c not in b'"\\/bfnrt':
                return -1
        elif c < 32:
            return -1
        elif c > 127:
            k = _utf8(s, k, c, n)
            if k < 0:
                return -1
    return -1


def _string_end(s, i, clean):
    """Index after the JSON string starting at ``s[i] == '"'``, or -1.  ``clean``: 2 when the
    whole text is printable ASCII without a backslash (the first quote closes the string),
    1 when it is printable ASCII (only strings holding a backslash need a closer look)."""
    j = s.find(b'"', i + 1)
    if j < 0:
        return -1
    if clean == 2 or (clean == 1 and s.find(b"\\", i + 1, j) < 0):
        return j + 1
    return _string_check(s, i + 1, len(s))


def _number_end(s, i, n):
    """Index after the JSON number at ``s[i]``, or -1 when it breaks JSON's grammar or decodes
    to inf (``1e400`` is JSON, but MicroPython reads it as inf and would write ``inf``).  Its
    magnitude is below 10 ** (integer digits + exponent), so only a float literal where that
    sum exceeds 308 is decoded to check (with json.loads: what the caller will get)."""
    start = i
    if s[i] == 45:  # '-'
        i += 1
        if i >= n:
            return -1
    c = s[i]
    if c == 48:  # '0'
        i += 1
    elif 49 <= c <= 57:
        i += 1
        while i < n and 48 <= s[i] <= 57:
            i += 1
    else:
        return -1
    mag = i - start
    flt = False
    if i < n and s[i] == 46:  # '.'
        i += 1
        j = i
        while i < n and 48 <= s[i] <= 57:
            i += 1
        if i == j:
            return -1
        flt = True
    if i < n and s[i] | 32 == 101:  # 'e' / 'E'
        i += 1
        sign = 1
        if i < n and (s[i] == 43 or s[i] == 45):
            sign = 44 - s[i]  # '+' -> 1, '-' -> -1
            i += 1
        j, e = i, 0
        while i < n and 48 <= s[i] <= 57:
            if e < 100000:
                e = e * 10 + s[i] - 48
            i += 1
        if i == j:
            return -1
        mag += sign * e
        flt = True
    if flt and mag > 308:
        f = json.loads(s[start:i])
        if f - f != 0:  # inf - inf is nan
            return -1
    return i


def strict_json(s):
    """True when ``s`` (bytes) is exactly one JSON value as CPython's json reads it, not nested
    deeper than 28, with no number that decodes to inf.  MicroPython's ``json.loads`` is laxer
    (``,`` and ``:`` are whitespace, ``01``, ``"\\q"``, raw control characters, lone
    surrogates pass; ``1e400`` becomes inf; text that is not UTF-8 raises) - and an exception
    raised by a builtin must never be caught in near_safe (platform.md) - so input is scanned
    with this first and decoded only when it passed: then ``json.loads`` cannot fail.

    Gas and heap: it works on bytes (indexing a MicroPython str holding non-ASCII text is
    O(n)) and allocates nothing (the nesting is bits of a small int, numbers are checked in
    place), so its cost grows with the number of tokens: strings are skipped with ``find``
    when the text is printable ASCII (``min``/``max`` over the bytes, in C) and walked byte by
    byte otherwise (a raw newline anywhere, or non-ASCII text)."""
    n = len(s)
    if not n:
        return False
    clean = 0
    if min(s) >= 32 and max(s) < 128:
        clean = 1 if b"\\" in s else 2
    nest = 1  # a 1 bit, then one bit per open container: 1 object, 0 array
    expect = 0  # 0 value, 1 key, 2 ':', 3 ',' or close, 4 value or ']', 5 key or '}'
    i = 0
    while i < n:
        c = s[i]
        if c in b" \t\n\r":
            i += 1
            continue
        if expect == 3:
            if c == 44:  # ','
                if nest == 1:
                    return False  # content after the value
                expect = nest & 1  # 1 key, 0 value
            elif c == 125 if nest & 1 else c == 93:  # '}' / ']'
                if nest == 1:
                    return False
                nest >>= 1
            else:
                return False
            i += 1
            continue
        if expect == 2:
            if c != 58:  # ':'
                return False
            expect, i = 0, i + 1
            continue
        if (expect == 5 and c == 125) or (expect == 4 and c == 93):  # '{}' / '[]'
            nest >>= 1
            expect, i = 3, i + 1
            continue
        if c == 34:  # '"'
            i = _string_end(s, i, clean)
            if i < 0:
                return False
            expect = 2 if expect == 1 or expect == 5 else 3
            continue
        if expect == 1 or expect == 5:
            return False  # a key must be a string
        if c == 123 or c == 91:  # '{' / '['
            if nest >= 0x10000000:  # deeper than 28: the bits must stay a small int
                return False
            if c == 123:
                nest, expect = nest << 1 | 1, 5
            else:
                nest, expect = nest << 1, 4
            i += 1
            continue
        if c == 116:  # true
            i = i + 4 if s.startswith(b"true", i) else -1
        elif c == 102:  # false
            i = i + 5 if s.startswith(b"false", i) else -1
        elif c == 110:  # null
            i = i + 4 if s.startswith(b"null", i) else -1
        else:
            i = _number_end(s, i, n)
        if i < 0:
            return False
        expect = 3
    return expect == 3 and nest == 1


def read_input(method, strict=True):
    """The call's JSON object (``{}`` for empty input); panics on anything else.  Strict input
    is checked before it is decoded, so ``json.loads`` never raises here (a builtin's
    exception must not be caught: platform.md).  Callbacks pass ``strict=False``: their input
    was written by this contract's own json.dumps (through ``state.dumps``: no inf)."""
    raw = near.input()
    if not raw:
        return {}
    if strict and not strict_json(raw):
        _fail(method, "invalid JSON input")
    obj = json.loads(raw)
    if not isinstance(obj, dict):  # CPython mode hands out dict subclasses (MicroPython order)
        _fail(method, "arguments must be a JSON object")
    return obj


def _out(result):
    """A method's result as it will be sent: None, bytes, a Promise, or its JSON text.  The
    wrappers call it inside the body's error handling, so a result holding inf is refused like
    a raising body: a @call panics, a callback body is contained and the settlement commits."""
    if state.unsent:  # a promise builder never sent (contract/_builders.py)
        from .contract import _builders

        _builders.refuse_unsent()
    if result is None or type(result) is bytes or isinstance(result, _Promise):
        return result
    return state.dumps(result)


def parse(method, spec, obj):
    """Validate ``obj`` against ``spec``; return the keyword arguments for the body."""
    for name in obj:
        if name not in spec:
            _fail(method, "unknown argument '" + name + "'")
    kwargs = {}
    for name in spec:
        kind = spec[name]
        if name not in obj:
            if kind[0] != "?":
                _fail(method, "missing argument '" + name + "'")
            continue
        if kind[0] == "?":
            kind = kind[1:]
        ok, value = convert(kind, obj[name])
        if not ok:
            _fail(method, "argument '" + name + "' must be " + _DESC[kind])
        kwargs[name] = value
    return kwargs


# --- decorators ---------------------------------------------------------------------------
# nearc exports a method only when a decorator's bare name is view/call/init/callback/
# multi_callback (platform.md), so these keep exactly those names.  Every wrapper runs its
# checks in one fixed order, each with a short stable panic naming the method, before the
# body runs (so a rejected call changes nothing):
#     @call / @init   private -> deposit -> input + arguments -> init state -> body
#     @view           deposit -> input + arguments -> body (writes refused)
#     @callback       private (this contract) -> is a callback (results > 0) -> deposit
#                     -> input + arguments -> body (writes buffered) -> settlement
# No attributes are set on function objects and nothing relies on __annotations__ or
# functools.wraps (MicroPython); names are captured in closures.

# Decoration runs on every call too (the module is imported afresh), so the common path does
# little: no string building unless there is an error, option names checked against tuples.
_ALLOWED = {
    "call": ("payable", "one_yocto", "private", "args"),
    "init": ("payable", "private", "args"),
    "view": ("args",),
    "callback": ("args", "max_result", "result"),
    "multi_callback": ("args", "max_result", "result"),
}
_HINT = {
    "call": "options are payable, one_yocto, private, args",
    "init": "init can be payable or private; one_yocto belongs on @call",
    "view": "views never take deposits or run privately; use @call(...) for that",
    "callback": "callbacks are always private and never payable; options are args, "
                "max_result, result",
}
_CALLBACKS = {}  # name -> declared args of every @callback / @multi_callback (for safe_call)


def view(fn=None, **opts):
    """A read-only method: rejects deposits, refuses state writes through ``state``."""
    return _wrap("view", fn, opts) if fn is not None else lambda f: _wrap("view", f, opts)


def call(fn=None, **opts):
    """A state-changing method.  Options: ``payable=True`` (accept deposits),
    ``one_yocto=True`` (require exactly 1 yoctoNEAR), ``private=True`` (only this contract),
    ``args={...}`` (declared argument kinds)."""
    return _wrap("call", fn, opts) if fn is not None else lambda f: _wrap("call", f, opts)


def init(fn=None, **opts):
    """The initializer: runs once (a second call panics).  Options: payable, private, args."""
    return _wrap("init", fn, opts) if fn is not None else lambda f: _wrap("init", f, opts)


def callback(fn=None, **opts):
    """A callback of this contract, called as ``fn(result, **args)`` with a Result.
    Options: ``args={...}``, ``max_result=`` (bytes), ``result=KIND`` (checked result kind)."""
    return (_wrap("callback", fn, opts) if fn is not None
            else lambda f: _wrap("callback", f, opts))


def multi_callback(fn=None, **opts):
    """Like ``callback`` but receives the list of all promise results (``promise_and``)."""
    return (_wrap("multi_callback", fn, opts) if fn is not None
            else lambda f: _wrap("multi_callback", f, opts))


def _misuse(kind, fn, what):
    name = getattr(fn, "__name__", repr(fn))
    raise MisuseError("@" + kind + " on " + name + ": " + what)


def _wrap(kind, fn, opts):
    """Under CPython (tests, CPython mode, any tool importing the contract) check the options
    now.  In the Wasm the module is imported afresh on every call, so checking every method's
    options each time would cost about 0.05 Tgas per decorated method per call: there a
    method's options are checked when that method is called, before anything else, and a
    misuse panics with the same message."""
    if not callable(fn):
        raise MisuseError("@" + kind + " takes options by keyword only: write @" + kind
                          + " or @" + kind + "(payable=True)")
    if kind == "callback" or kind == "multi_callback":
        _CALLBACKS[fn.__name__] = opts.get("args")  # safe_call checks then= against it
    if _EAGER:
        w = _setup(kind, fn, opts)
        w._ns_decorated = (kind, fn.__name__)  # CPython only (MicroPython functions take none)
        return w

    def _ns_lazy(*a):
        return _setup_or_panic(kind, fn, opts)(*a)

    return _ns_lazy


_EAGER = sys.implementation.name != "micropython" and "near" not in sys.builtin_module_names


def _setup_or_panic(kind, fn, opts):
    try:
        return _setup(kind, fn, opts)
    except MisuseError as e:
        near.panic_utf8(str(e))


def _setup(kind, fn, opts):
    """Check the options (MisuseError naming the fix) and make the wrapper."""
    if _EAGER:
        _check_stacked(kind, fn)
    elif fn.__name__ == "_ns_lazy":  # the Wasm: checked when the method is called
        _misuse(kind, fn, "stacked on another near_safe decorator: keep one")
    spec = {}
    deposit, private, limit, rkind = 0, False, MAX_RESULT, None
    if opts:
        allowed = _ALLOWED[kind]
        for key in opts:
            if key not in allowed:
                _misuse(kind, fn, "option '" + key + "' is not allowed: "
                        + _HINT["callback" if kind == "multi_callback" else kind])
        if opts.get("args") is not None:
            spec = opts["args"]
            _check_spec(kind, fn, spec)
            if _EAGER:
                _check_params(kind, fn, spec)
        if opts.get("payable"):
            if opts.get("one_yocto"):
                _misuse(kind, fn, "payable and one_yocto exclude each other; keep one")
            deposit = None  # any
        elif opts.get("one_yocto"):
            deposit = 1
        private = bool(opts.get("private"))
        if "max_result" in opts:
            limit = opts["max_result"]
            if type(limit) is not int or limit < 0:
                _misuse(kind, fn, "max_result must be a byte count (int >= 0)")
        rkind = opts.get("result")
        if rkind is not None:
            _check_spec(kind, fn, {"result": rkind})
    name = fn.__name__
    if kind == "callback" or kind == "multi_callback":
        return _callback_wrapper(fn, name, spec, kind == "multi_callback", limit, rkind)
    return _method_wrapper(fn, name, kind, deposit, private, spec)


def _check_stacked(kind, fn):
    """CPython only (import and build time): one near_safe decorator per method."""
    inner = getattr(fn, "_ns_decorated", None)
    if inner is not None:
        raise MisuseError("@" + kind + " on " + inner[1] + ": stacked on @" + inner[0]
                          + "; a method takes one near_safe decorator: keep @" + inner[0]
                          + "(...) or @" + kind + "(...)")


def _check_params(kind, fn, spec):
    """CPython only (MicroPython has no signatures): ``args=`` names parameters of ``fn``."""
    import inspect

    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    for name in spec:
        if name not in params:
            _misuse(kind, fn, "args= declares %r, which is not a parameter of %s: add the "
                    "parameter or remove it from args=" % (name, fn.__name__))


def _check_spec(kind, fn, spec):
    """Decoration-time check of an ``args=`` declaration."""
    if not isinstance(spec, dict):
        _misuse(kind, fn, "args= must be a dict of name -> kind, e.g. {'amount': AMOUNT}")
    for name in spec:
        k = spec[name]
        if type(name) is not str or name == "_ns":
            _misuse(kind, fn, "bad argument name %r (reserved or not a string)" % (name,))
        if type(k) is not str or k.lstrip("?") not in _DESC:
            _misuse(kind, fn, "argument %r has unknown kind %r; use INT, STR, BOOL, AMOUNT, "
                    "ACCOUNT, LIST, DICT, ANY or optional(KIND)" % (name, k))


def _return(result):
    if result is None:
        return
    if type(result) is bytes:
        near.value_return(result)
    elif isinstance(result, _Promise):
        near.promise_return(result.index)
    else:
        near.value_return(result)  # JSON text made by _out


def _method_wrapper(fn, name, kind, deposit, private, spec):
    is_view = kind == "view"
    is_init = kind == "init"

    def _ns_wrapper(*a):
        state.reset(name)
        if private and near.predecessor_account_id() != near.current_account_id():
            near.panic_utf8("Method " + name + " is private")
        if deposit is not None:
            d = near.attached_deposit()
            if d != deposit:
                near.panic_utf8("Method " + name + (
                    " requires attached deposit of exactly 1 yoctoNEAR" if deposit
                    else " doesn't accept deposit"))
        elif MAX_SEND is not None and near.attached_deposit() > MAX_SEND:
            near.panic_utf8("Method " + name + ": a deposit above " + str(MAX_SEND) + " yoctoNEAR"
                            " could not be sent back (nearc 0.10's CPython backend)")
        kwargs = parse(name, spec, read_input(name))
        if is_init and near.storage_has_key("_ns:init"):
            _fail(name, "contract is already initialized")
        if is_view:
            state.readonly = name
        try:
            result = fn(*a, **kwargs)
            result = _out(result)  # inf refused here, like a raising body
        except Exception as e:  # noqa: BLE001  a host panic is no Exception (never returns)
            if isinstance(e, ContractError):
                near.panic_utf8(str(e))
            near.panic_utf8("Method " + name + " failed: " + type(e).__name__ + ": " + str(e))
        if is_init:
            near.storage_write("_ns:init", "1")
        _return(result)

    return _guarded(name, _ns_wrapper) if _PYWASM else _ns_wrapper


def _guarded(name, inner):
    """nearc 0.10's CPython backend only.  Its entry point logs an exception that leaves the
    exported function and returns SUCCESS, committing the writes made before it (MicroPython
    panics): any exception escaping near_safe's wrapper (a host function refusing an argument,
    a settlement transfer) panics here instead, so the call fails and changes nothing."""
    def _ns_wrapper(*a):
        try:
            return inner(*a)
        except Exception as e:  # noqa: BLE001  CPython may catch it (platform.md: MicroPython)
            near.panic_utf8("Method " + name + " failed: " + type(e).__name__ + ": " + str(e))

    return _ns_wrapper


def _callback_wrapper(fn, name, spec, multi, limit, rkind):
    def _ns_wrapper(*a):
        state.reset(name)
        state.in_callback = True
        if near.predecessor_account_id() != near.current_account_id():
            near.panic_utf8("Method " + name + " is private")
        count = near.promise_results_count()
        if not count:
            near.panic_utf8("Method " + name + " can only be called as a callback")
        if near.attached_deposit():
            near.panic_utf8("Method " + name + " doesn't accept deposit")
        obj = read_input(name, False)
        ns = obj.pop("_ns", None)  # the operation's number; its record is in storage
        kwargs = parse(name, spec, obj)
        from .contract import _xcc

        results = [_xcc.read_result(i, limit, rkind) for i in range(count)]
        op = _xcc.open_op(ns, results) if ns is not None else None
        # The body runs with buffered writes: if it raises, they are dropped, the error is
        # logged, and the settlement below still commits.
        state.begin_buffer()
        # near-sdk-py collections write with near.storage_write: route them through the
        # buffer too (contract/_route.py), only when the contract loaded them
        mods = sys.modules
        sdk = None
        if "near_sdk_py.collections.adapter" in mods:
            from .contract import _route as sdk

            sdk.route(True, mods)
        try:
            result = fn(*a, results if multi else results[0], **kwargs)
            result = _out(result)
            state.end_buffer(True)
        except Exception as e:  # noqa: BLE001  contained on purpose: settlement must commit
            state.end_buffer(False)
            near.log_utf8("Method " + name + ": callback body raised " + type(e).__name__
                          + ": " + str(e) + "; its writes were discarded")
            result = None
            if op is not None:
                op.reset()
        finally:
            if sdk is not None:
                sdk.route(False, mods)
        if op is not None:
            _xcc.settle(op)
            state.op = None
        _return(result)

    return _guarded(name, _ns_wrapper) if _PYWASM else _ns_wrapper


# --- cross-contract API (contract/_promise.py calls, contract/_xcc.py settles; on first use) --


def safe_call(receiver, function, args=None, **options):
    """Call ``receiver.function(args)`` and then this contract's callback ``then=``; checks
    gas, settles ``refund=``/``credit=``/``debit=``/``lock=``.  See docs/safety.md."""
    from .contract import _promise

    return _promise.safe_call(receiver, function, args, **options)


def refund(account, amount, hold=False):
    """Send ``amount`` to ``account`` if that is safe now, else make it claimable."""
    from .contract import _xcc

    return _xcc.refund(account, amount, hold)


def claim():
    """Pay the caller's claimable refunds (use in a ``@call`` method of your contract)."""
    from .contract import _xcc

    return _xcc.claim()


def claimable(account):
    """The refunds waiting for ``account`` (see ``claim``)."""
    return state.balance("_ns:claim", account)


def operation():
    """Inside a callback body: the Operation being settled (None for a plain callback)."""
    return state.op


def __getattr__(name):
    """The near-sdk-py-shaped class surface (contract/_sdk.py, _sdk_extra.py), loaded on first use: a
    contract written with module-level functions never pays for it (each module and name
    costs gas on every call).  ``from near_safe import Contract`` lands here."""
    if name in ("Contract", "StorageError", "AccessDenied", "InvalidInput"):
        from .contract import _sdk

        return getattr(_sdk, name)
    if name in ("Storage", "Log", "ContractPanic", "ONE_NEAR", "ONE_TGAS", "Context"):
        from .contract import _sdk_extra

        return getattr(_sdk_extra, name)
    if name in ("LookupMap", "UnorderedMap", "IterableMap", "Vector", "LookupSet", "UnorderedSet",
                "IterableSet", "TreeMap"):  # near-sdk-py's collections, near_safe's storage
        from .contract import _collections

        return getattr(_collections, name)
    # near-sdk-py's promise builders (contract/_builders.py): the names are small stand-ins that
    # load the builders when a chain is built, so importing them costs a contract's other
    # methods (callbacks, views) nothing (bench/bench_promises.py)
    if name == "CrossContract":
        def CrossContract(account_id, gas=EXTERNAL_GAS, deposit=0):
            from .contract import _builders

            return _builders.CrossContract(account_id, gas, deposit)

        return CrossContract
    if name == "Promise":
        class Promise(_Promise):
            @staticmethod
            def create_batch(account_id):
                from .contract import _builders

                return _builders.PromiseBatch(account_id)

            @staticmethod
            def all(promises):
                from .contract import _builders

                return _builders.all_of(promises)

        return Promise
    if name == "PromiseBatch":
        from .contract import _builders

        return _builders.PromiseBatch
    if name == "PromiseResult":
        class PromiseResult:
            """For annotations: a callback gets near_safe's Result (contract/_xcc.py), which
            carries PromiseResult's fields (status_code, success, data, unwrap, unwrap_or)."""

        return PromiseResult
    raise AttributeError("module 'near_safe' has no attribute '" + name + "'")


if _EAGER:  # MicroPython ignores __all__: not built on chain
    __all__ = [
        "ACCOUNT", "AMOUNT", "ANY", "AccessDenied", "BOOL", "CALLBACK_GAS", "Context", "Contract",
        "ContractError", "ContractPanic", "CrossContract", "DICT", "EXTERNAL_GAS", "INT",
        "InvalidInput", "LIST", "Log", "MAX_RESULT", "MAX_SEND", "MisuseError", "ONE_NEAR",
        "ONE_TGAS", "OWN_GAS", "Promise", "PromiseBatch", "PromiseResult", "REFUND_GAS", "STR",
        "Storage", "StorageError", "TGAS", "assert_unlocked", "call",
        "callback", "claim", "claimable", "init", "is_account_id", "is_locked",
        "multi_callback", "operation", "optional", "refund", "require", "safe_call", "state",
        "view", "LookupMap", "UnorderedMap", "IterableMap", "Vector", "LookupSet",
        "UnorderedSet", "IterableSet", "TreeMap",
    ]
