"""near_safe: NEAR's safe cross-contract patterns by construction, for Python contracts.

This package root is the *contract side*: it is frozen into every contract's Wasm and runs under
MicroPython, so it must stay small and MicroPython-safe (see docs/architecture.md).  The CPython
tooling lives in subpackages that are never frozen: ``near_safe.testing`` (embedded runtime,
pytest plugin), ``near_safe.builder`` (Wasm build and cache), ``near_safe.check`` (checker) and
``near_safe.cli``.

Why the safety API lives in this one file (docs/safety.md is the user guide): MicroPython runs
the whole import on EVERY call, and each module-level name costs about 3-5 Ggas to bind (a
re-exported name as much again; each extra module about 40 Ggas more).  Split into four modules
re-exported here, importing near_safe cost 1.1 Tgas per call; as it is now, about 0.5 Tgas.  So the
decorators, argument kinds and strict input are here; ``contract/_state.py`` (state, ledgers,
locks; used by nearly every method) is imported eagerly and ``contract/_xcc.py`` (safe_call
and settlement) only when a method makes or settles a cross-contract call.

Sections: constants - argument kinds - strict JSON input - decorators - cross-contract API.
"""

import sys

if sys.implementation.name != "micropython":
    from . import _host  # noqa: F401  CPython: provide the `near` module contract code imports

import json

import near

from .contract import _state as state
from .contract._state import ContractError, Promise, assert_unlocked, is_locked, require

__version__ = "0.1.0"

# --- constants ---------------------------------------------------------------------------------

TGAS = 1000000000000
# Reserved gas for a near_safe callback (static, weight 0).  Measured on the embedded runtime,
# Wasm mode, by bench/bench_safety.py: near_safe's callbacks with a trivial body burn 2.7-3.0
# Tgas on their success and failure paths (refund, restore, unlock), 3.6 Tgas when the body
# raises and is logged - mostly MicroPython start-up and contract loading.  10 Tgas leaves
# about 6 Tgas for the callback body; pass callback_gas= for heavier bodies.  (A Rust contract's
# usual 5 Tgas does not carry over: a trivial Python method alone burns several Tgas.)
CALLBACK_GAS = 10 * TGAS
# Minimum static gas for the external call (it also gets all unused gas, by weight 1).
EXTERNAL_GAS = 10 * TGAS
# The calling method's own work after safe_call's gas check: the two receipts' fees (the
# callee's and the callback's exec fees are prepaid as used gas, spec 2.7/5.1), the in-flight
# record and lock writes, the return and MicroPython's tear-down.  Measured as above (least
# prepaid gas that completes deposit-and-stake with own_gas=0, minus the gas used before the
# check and the two static reservations): 2.2-3.2 Tgas.  5 Tgas leaves about 2 Tgas for a
# little work after safe_call returns; pass own_gas= when the method does more.
OWN_GAS = 5 * TGAS
# Gas a refund transfer needs in the callback (receipt creation + transfer fees, spec 5.1,
# plus the host calls), with margin.  Below it the refund becomes a claimable balance.
REFUND_GAS = TGAS
# Promise results larger than this are not decoded (the host still copies them in: 12 KB
# cost 0.34 Tgas).  Decoding JSON in MicroPython grows faster than the size (1 KB 0.4 Tgas,
# 4 KB 1.9 Tgas, 8 KB over 8 Tgas, measured as above), so the default keeps a hostile callee
# from starving a callback with CALLBACK_GAS; raise it with callback(max_result=...) and
# callback_gas= together.  (16384 was the first default: near_safe's explorer found a 12 KB
# result starving the settlement.)
MAX_RESULT = 2048

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


def _string_end(s, i):
    """Index after the JSON string starting at ``s[i] == '"'``, or -1."""
    j = s.find(b'"', i + 1)
    while j > 0:
        k = j - 1
        while s[k] == 92:  # backslash
            k -= 1
        if (j - k) % 2:  # an even number of backslashes before the quote: it closes
            return j + 1
        j = s.find(b'"', j + 1)
    return -1


def _literal_ok(t):
    """JSON's number grammar, or true/false/null."""
    if t == b"true" or t == b"false" or t == b"null":
        return True
    if t[:1] == b"-":
        t = t[1:]
    e = max(t.find(b"e"), t.find(b"E"))
    if e >= 0:
        exp = t[e + 1:]
        if exp[:1] in (b"+", b"-"):
            exp = exp[1:]
        if not exp or exp.strip(b"0123456789"):
            return False
        t = t[:e]
    d = t.find(b".")
    if d >= 0:
        frac = t[d + 1:]
        if not frac or frac.strip(b"0123456789"):
            return False
        t = t[:d]
    return bool(t) and not t.strip(b"0123456789") and (t == b"0" or t[0] != 48)


def strict_json(s):
    """True when ``s`` (bytes) is exactly one JSON value with JSON's separators.

    MicroPython's ``json.loads`` treats ``,`` and ``:`` as whitespace (so ``{"a" 1}``,
    ``[1 2]`` and trailing commas parse) and accepts numbers like ``01``; CPython's does not.
    This scan, run after ``json.loads`` succeeded, makes both strict.  It works on bytes
    (indexing a MicroPython str holding non-ASCII text is O(n)) and skips strings with
    ``find``, so its cost grows with the number of tokens, not the length of the text."""
    stack = []
    expect = 0  # 0 value, 1 key, 2 ':', 3 ',' or close, 4 value or ']', 5 key or '}'
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in b" \t\n\r":
            i += 1
            continue
        if expect == 2:
            if c != 58:  # ':'
                return False
            expect, i = 0, i + 1
            continue
        if expect == 3:
            if not stack:
                return False  # content after the value
            top = stack[-1]
            if c == 44:  # ','
                expect = 1 if top == 123 else 0
            elif c == top + 2:  # '{' + 2 == '}', '[' + 2 == ']'
                stack.pop()
            else:
                return False
            i += 1
            continue
        if (expect == 5 and c == 125) or (expect == 4 and c == 93):  # '}' / ']'
            stack.pop()
            expect, i = 3, i + 1
            continue
        if expect == 1 or expect == 5:
            if c != 34:  # '"'
                return False
            i = _string_end(s, i)
            if i < 0:
                return False
            expect = 2
            continue
        if c == 34:
            i = _string_end(s, i)
            if i < 0:
                return False
        elif c == 123 or c == 91:  # '{' / '['
            stack.append(c)
            expect = 5 if c == 123 else 4
            i += 1
            continue
        else:
            j = i
            while j < n and s[j] not in b",:]} \t\n\r":
                j += 1
            if not _literal_ok(s[i:j]):
                return False
            i = j
        expect = 3
    return expect == 3 and not stack


def read_input(method, strict=True):
    """The call's JSON object (``{}`` for empty input); panics on anything else.  Callbacks
    pass ``strict=False``: their input was written by this contract's own json.dumps."""
    raw = near.input()
    if not raw:
        return {}
    try:
        obj = json.loads(raw)
    except Exception:  # noqa: BLE001  MicroPython raises ValueError, CPython JSONDecodeError
        obj = None
    if obj is None or (strict and not strict_json(raw)):
        _fail(method, "invalid JSON input")
    if not isinstance(obj, dict):  # CPython mode hands out dict subclasses (MicroPython order)
        _fail(method, "arguments must be a JSON object")
    return obj


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
        return _setup(kind, fn, opts)
    return lambda *a: _setup_or_panic(kind, fn, opts)(*a)


_EAGER = sys.implementation.name != "micropython"


def _setup_or_panic(kind, fn, opts):
    try:
        return _setup(kind, fn, opts)
    except MisuseError as e:
        near.panic_utf8(str(e))


def _setup(kind, fn, opts):
    """Check the options (MisuseError naming the fix) and make the wrapper."""
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
    elif isinstance(result, Promise):
        near.promise_return(result.index)
    else:
        near.value_return(json.dumps(result))


def _method_wrapper(fn, name, kind, deposit, private, spec):
    is_view = kind == "view"
    is_init = kind == "init"

    def wrapper(*a):
        state.reset(name)
        if private and near.predecessor_account_id() != near.current_account_id():
            near.panic_utf8("Method " + name + " is private")
        if deposit is not None:
            d = near.attached_deposit()
            if d != deposit:
                near.panic_utf8("Method " + name + (
                    " requires attached deposit of exactly 1 yoctoNEAR" if deposit
                    else " doesn't accept deposit"))
        kwargs = parse(name, spec, read_input(name))
        if is_init and near.storage_has_key("_ns:init"):
            _fail(name, "contract is already initialized")
        if is_view:
            state.readonly = name
        try:
            result = fn(*a, **kwargs)
        except Exception as e:  # noqa: BLE001  a host panic is no Exception (never returns)
            if isinstance(e, ContractError):
                near.panic_utf8(str(e))
            near.panic_utf8("Method " + name + " failed: " + type(e).__name__ + ": " + str(e))
        if is_init:
            near.storage_write("_ns:init", "1")
        _return(result)

    return wrapper


def _callback_wrapper(fn, name, spec, multi, limit, rkind):
    def wrapper(*a):
        state.reset(name)
        if near.predecessor_account_id() != near.current_account_id():
            near.panic_utf8("Method " + name + " is private")
        count = near.promise_results_count()
        if not count:
            near.panic_utf8("Method " + name + " can only be called as a callback")
        if near.attached_deposit():
            near.panic_utf8("Method " + name + " doesn't accept deposit")
        obj = read_input(name, False)
        ns = obj.pop("_ns", None)
        kwargs = parse(name, spec, obj)
        from .contract import _xcc

        results = [_xcc.read_result(i, limit, rkind) for i in range(count)]
        op = _xcc.open_op(ns, results) if ns is not None else None
        # The body runs with buffered writes: if it raises, they are dropped, the error is
        # logged, and the settlement below still commits.
        state.begin_buffer()
        try:
            result = fn(*a, results if multi else results[0], **kwargs)
            state.end_buffer(True)
        except Exception as e:  # noqa: BLE001  contained on purpose: settlement must commit
            state.end_buffer(False)
            near.log_utf8("Method " + name + ": callback body raised " + type(e).__name__
                          + ": " + str(e) + "; its writes were discarded")
            result = None
            if op is not None:
                op.reset()
        if op is not None:
            _xcc.settle(op)
            state.op = None
        _return(result)

    return wrapper


# --- cross-contract API (implemented in contract/_xcc.py, loaded on first use) ---------------


def safe_call(receiver, function, args=None, **options):
    """Call ``receiver.function(args)`` and then this contract's callback ``then=``; checks
    gas, settles ``refund=``/``credit=``/``debit=``/``lock=``.  See docs/safety.md."""
    from .contract import _xcc

    return _xcc.safe_call(receiver, function, args, **options)


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


__all__ = [
    "ACCOUNT", "AMOUNT", "ANY", "BOOL", "CALLBACK_GAS", "ContractError", "DICT", "EXTERNAL_GAS",
    "INT", "LIST", "MAX_RESULT", "MisuseError", "OWN_GAS", "Promise", "REFUND_GAS", "STR",
    "TGAS", "assert_unlocked", "call", "callback", "claim", "claimable", "init",
    "is_account_id", "is_locked", "multi_callback", "operation", "optional", "refund",
    "require", "safe_call", "state", "view",
]
