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


def read_input(method):
    """The call's JSON object (``{}`` for empty input); panics on anything else."""
    raw = near.input()
    if not raw:
        return {}
    try:
        obj = json.loads(raw)
    except Exception:
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
