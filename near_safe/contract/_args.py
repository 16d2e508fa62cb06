"""Declared argument kinds and strict input parsing (contract side, MicroPython-safe).

MicroPython keeps no ``__annotations__`` at run time, so a method declares its arguments
explicitly: ``@call(args={"amount": AMOUNT, "receiver": ACCOUNT, "memo": optional(STR)})``.
A kind is a short string; ``optional(kind)`` prefixes it with ``?``.  Declarations are checked
once when the decorator is applied (``check_spec``); every call then runs ``parse`` before the
body: malformed JSON, a missing required argument, an unknown argument or a value of the wrong
kind panics with a short message naming the method and the argument, and the body never runs
(so nothing changes).

Unlike near-sdk-py 1.0.0, which logs malformed JSON and runs the method with default
arguments, nothing here is lenient.
"""

import json
import sys

import near

if sys.implementation.name == "micropython":
    _MisuseBase = TypeError
else:  # CPython (tests, builder): tool-side errors derive from NearSafeError
    from ..errors import NearSafeError

    class _MisuseBase(NearSafeError, TypeError):
        pass


class MisuseError(_MisuseBase):
    """A decorator or primitive used wrongly; raised when the contract module is imported, so
    the build (CPython import) or the first call shows it."""

INT = "int"  # a JSON integer within +-(2^53 - 1): larger ones lose precision in JS clients
STR = "str"
BOOL = "bool"
AMOUNT = "amount"  # yoctoNEAR (u128) as a decimal string, e.g. "1000000000000000000000000"
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
_MAX_SAFE_INT = 9007199254740991  # 2^53 - 1
_MAX_U128 = 340282366920938463463374607431768211455
_ACCOUNT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def optional(kind):
    """Mark a declared argument as optional: when absent, the function's default applies."""
    return "?" + kind


def is_account_id(s):
    """NEAR's account id rule: 2-64 chars of ``a-z 0-9``, in parts joined by one ``-``, ``_``
    or ``.``; no separator first, last or next to another (nearcore ``AccountId::validate``)."""
    if type(s) is not str or not 2 <= len(s) <= 64:
        return False
    prev_sep = True  # the start counts as a separator: no leading separator
    for c in s:
        if c in _ACCOUNT_CHARS:
            prev_sep = False
        elif c in "-_.":
            if prev_sep:
                return False
            prev_sep = True
        else:
            return False
    return not prev_sep


def convert(kind, v):
    """Return ``(True, value)`` with AMOUNT turned into an int, or ``(False, None)``."""
    t = type(v)
    if kind == INT:
        return (t is int and -_MAX_SAFE_INT <= v <= _MAX_SAFE_INT), v
    if kind == AMOUNT:
        # Digits only, no sign, no leading zero, at most u128::MAX.
        if t is not str or not v or len(v) > 39 or (v[0] == "0" and len(v) > 1):
            return False, None
        for c in v:
            if c not in "0123456789":
                return False, None
        n = int(v)
        return n <= _MAX_U128, n
    if kind == STR:
        return t is str, v
    if kind == ACCOUNT:
        return is_account_id(v), v
    if kind == BOOL:
        return t is bool, v
    if kind == LIST:
        return t is list, v
    if kind == DICT:
        return t is dict, v
    return True, v  # ANY


def check_spec(where, spec):
    """Decoration-time check of an ``args=`` declaration; raises MisuseError naming the fix."""
    if spec is None:
        return {}
    if type(spec) is not dict:
        raise MisuseError(where + ": args= must be a dict of name -> kind, e.g. {'amount': AMOUNT}")
    for name in spec:
        kind = spec[name]
        if type(name) is not str or name == "_ns":
            raise MisuseError(where + ": bad argument name %r (reserved or not a string)" % (name,))
        if type(kind) is not str or kind.lstrip("?") not in _DESC:
            raise MisuseError(
                where + ": argument %r has unknown kind %r; use INT, STR, BOOL, AMOUNT, ACCOUNT, "
                "LIST, DICT, ANY or optional(KIND)" % (name, kind)
            )
    return spec


def fail(method, what):
    near.panic_utf8("Method " + method + ": " + what)


# Byte codes for the strict JSON scan (input is scanned as bytes: indexing a MicroPython str
# that holds non-ASCII text is O(n) per index).
_WS = b" \t\n\r"
_END_TOKEN = b",:]} \t\n\r"
_NUM = b"0123456789"
_Q, _BSL, _COLON, _COMMA = 34, 92, 58, 44
_LBRACE, _RBRACE, _LBRACKET, _RBRACKET = 123, 125, 91, 93


def _string_end(s, i):
    """Index after the string starting at ``s[i] == '"'``, or -1."""
    j = s.find(b'"', i + 1)
    while j > 0:
        k = j - 1
        while s[k] == _BSL:
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
        if not exp or exp.strip(_NUM):
            return False
        t = t[:e]
    d = t.find(b".")
    if d >= 0:
        frac = t[d + 1:]
        if not frac or frac.strip(_NUM):
            return False
        t = t[:d]
    return bool(t) and not t.strip(_NUM) and (t == b"0" or t[0] != 48)


def strict_json(s):
    """True when ``s`` (bytes) is exactly one JSON value with JSON's separators.

    MicroPython's ``json.loads`` treats ``,`` and ``:`` as whitespace (so ``{"a" 1}``,
    ``[1 2]`` and trailing commas parse) and accepts numbers like ``01``; CPython's does not.
    This scan, run after ``json.loads`` succeeded, makes both strict.  Strings are skipped with
    ``find``, so the cost grows with the number of tokens, not the length of the text."""
    stack = []
    expect = 0  # 0 value, 1 key, 2 ':', 3 ',' or close, 4 value or ']', 5 key or '}'
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in _WS:
            i += 1
            continue
        if expect == 2:
            if c != _COLON:
                return False
            expect, i = 0, i + 1
            continue
        if expect == 3:
            if not stack:
                return False  # content after the value
            top = stack[-1]
            if c == _COMMA:
                expect = 1 if top == _LBRACE else 0
            elif c == top + 2:  # '{' + 2 == '}', '[' + 2 == ']'
                stack.pop()
            else:
                return False
            i += 1
            continue
        if (expect == 5 and c == _RBRACE) or (expect == 4 and c == _RBRACKET):
            stack.pop()
            expect, i = 3, i + 1
            continue
        if expect == 1 or expect == 5:
            if c != _Q:
                return False
            i = _string_end(s, i)
            if i < 0:
                return False
            expect = 2
            continue
        if c == _Q:
            i = _string_end(s, i)
            if i < 0:
                return False
        elif c == _LBRACE or c == _LBRACKET:
            stack.append(c)
            expect = 5 if c == _LBRACE else 4
            i += 1
            continue
        else:
            j = i
            while j < n and s[j] not in _END_TOKEN:
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
    except Exception:
        obj = None
    if obj is None or (strict and not strict_json(raw)):
        fail(method, "invalid JSON input")
    if type(obj) is not dict:
        fail(method, "arguments must be a JSON object")
    return obj


def parse(method, spec, obj):
    """Validate ``obj`` against ``spec``; return the keyword arguments for the body."""
    for name in obj:
        if name not in spec:
            fail(method, "unknown argument '" + name + "'")
    kwargs = {}
    for name in spec:
        kind = spec[name]
        if name not in obj:
            if kind[0] != "?":
                fail(method, "missing argument '" + name + "'")
            continue
        if kind[0] == "?":
            kind = kind[1:]
        ok, value = convert(kind, obj[name])
        if not ok:
            fail(method, "argument '" + name + "' must be " + _DESC[kind])
        kwargs[name] = value
    return kwargs
