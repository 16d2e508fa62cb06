"""The method decorators: view, call, init, callback, multi_callback (contract side).

nearc exports a method only when a decorator's bare name is one of these (platform.md), so
they keep exactly these names; import them with ``from near_safe import call``.

Every wrapper runs its checks in one fixed order, each with a short stable panic message that
names the method, before the body runs (so a rejected call changes nothing):

    @call / @init      private -> deposit -> input + arguments -> init state -> body
    @view              deposit -> input + arguments -> body (writes refused)
    @callback          private (this contract) -> is a callback (results > 0) -> deposit
                       -> input + arguments -> body (writes buffered) -> settlement

Misuse (``@view(payable=True)``, an unknown option or kind, ...) raises MisuseError when the
decorator is applied, i.e. when the contract module is imported.

MicroPython: no attributes are set on function objects and nothing relies on
``__annotations__`` or ``functools.wraps``; names are captured in closures.
"""

import json

import near

from . import _state, _xcc
from ._args import MisuseError, check_spec, fail, parse, read_input

INIT_KEY = "_ns:init"

# Option flags, decided once at decoration time so each call only tests bits.
_PAYABLE = 1
_ONE_YOCTO = 2
_PRIVATE = 4

_OPTIONS = {
    "call": ("payable", "one_yocto", "private", "args"),
    "init": ("payable", "private", "args"),
    "view": ("args",),
    "callback": ("args", "max_result", "result"),
    "multi_callback": ("args", "max_result", "result"),
}
_HINT = {
    "view": "views never take deposits or run privately; use @call(...) for that",
    "init": "init can be payable or private; one_yocto belongs on @call",
    "callback": "callbacks are always private and never payable; options are args, max_result, result",
    "multi_callback": "callbacks are always private and never payable; options are args, max_result, result",
    "call": "options are payable, one_yocto, private, args",
}


def _decorator(kind, fn, opts):
    if fn is None:
        return lambda f: _build(kind, f, opts)
    return _build(kind, fn, opts)


def view(fn=None, **opts):
    """A read-only method: rejects deposits, refuses state writes."""
    return _decorator("view", fn, opts)


def call(fn=None, **opts):
    """A state-changing method.  Options: ``payable=True`` (accept deposits),
    ``one_yocto=True`` (require exactly 1 yoctoNEAR), ``private=True`` (only this contract),
    ``args={...}`` (declared argument kinds)."""
    return _decorator("call", fn, opts)


def init(fn=None, **opts):
    """The initializer: runs once (a second call panics).  Options: payable, private, args."""
    return _decorator("init", fn, opts)


def callback(fn=None, **opts):
    """A callback of this contract, called as ``fn(result, **args)`` with a Result.
    Options: ``args={...}``, ``max_result=`` (bytes), ``result=KIND`` (checked result kind)."""
    return _decorator("callback", fn, opts)


def multi_callback(fn=None, **opts):
    """Like ``callback`` but receives the list of all promise results (``promise_and``)."""
    return _decorator("multi_callback", fn, opts)


def _build(kind, fn, opts):
    where = "@" + kind
    if not callable(fn):
        raise MisuseError(where + " takes options by keyword only: write @" + kind
                          + " or @" + kind + "(payable=True)")
    name = fn.__name__
    where = where + " on " + name
    allowed = _OPTIONS[kind]
    for key in opts:
        if key not in allowed:
            raise MisuseError(where + ": option '" + key + "' is not allowed: " + _HINT[kind])
    flags = 0
    if opts.get("payable"):
        flags |= _PAYABLE
    if opts.get("one_yocto"):
        flags |= _ONE_YOCTO
    if opts.get("private"):
        flags |= _PRIVATE
    if flags & _PAYABLE and flags & _ONE_YOCTO:
        raise MisuseError(where + ": payable and one_yocto exclude each other; keep one")
    spec = check_spec(where, opts.get("args"))
    if kind == "callback" or kind == "multi_callback":
        limit = opts.get("max_result", _xcc.MAX_RESULT)
        if type(limit) is not int or limit < 0:
            raise MisuseError(where + ": max_result must be a byte count (int >= 0)")
        rkind = opts.get("result")
        if rkind is not None:
            check_spec(where, {"result": rkind})
        _xcc.CALLBACKS[name] = spec
        return _callback_wrapper(fn, name, spec, kind == "multi_callback", limit, rkind)
    return _method_wrapper(fn, name, kind, flags, spec)


def _check_deposit(name, flags):
    if flags & _PAYABLE:
        return
    d = near.attached_deposit()
    if flags & _ONE_YOCTO:
        if d != 1:
            near.panic_utf8("Method " + name + " requires attached deposit of exactly 1 yoctoNEAR")
    elif d:
        near.panic_utf8("Method " + name + " doesn't accept deposit")


def _return(result):
    if result is None:
        return
    if type(result) is bytes:
        near.value_return(result)
    elif isinstance(result, _xcc.Promise):
        near.promise_return(result.index)
    else:
        near.value_return(json.dumps(result))


def _body_failed(name, e):
    """A @call/@view/@init body raised: panic with its message (ContractError verbatim)."""
    if isinstance(e, _state.ContractError):
        near.panic_utf8(str(e))
    near.panic_utf8("Method " + name + " failed: " + type(e).__name__ + ": " + str(e))


def _method_wrapper(fn, name, kind, flags, spec):
    is_view = kind == "view"
    is_init = kind == "init"

    def wrapper(*a):
        _state.reset()
        _xcc.method = name
        if flags & _PRIVATE and near.predecessor_account_id() != near.current_account_id():
            near.panic_utf8("Method " + name + " is private")
        _check_deposit(name, flags)
        kwargs = parse(name, spec, read_input(name))
        if is_init and near.storage_has_key(INIT_KEY):
            fail(name, "contract is already initialized")
        if is_view:
            _state.set_readonly(name)
        try:
            result = fn(*a, **kwargs)
        except Exception as e:  # a host panic is not an Exception (it never returns)
            _body_failed(name, e)
        if is_init:
            near.storage_write(INIT_KEY, "1")
        _return(result)

    return wrapper


def _callback_wrapper(fn, name, spec, multi, limit, rkind):
    def wrapper(*a):
        _state.reset()
        _xcc.method = name
        _xcc.close_op()
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
        results = [_xcc.read_result(i, limit, rkind) for i in range(count)]
        op = _xcc.open_op(ns, results) if ns is not None else None
        # The body runs with buffered writes: if it raises, they are dropped, the error is
        # logged, and the settlement below still commits.
        _state.begin_buffer()
        try:
            result = fn(*a, results if multi else results[0], **kwargs)
            _state.end_buffer(True)
        except Exception as e:
            _state.end_buffer(False)
            near.log_utf8("Method " + name + ": callback body raised " + type(e).__name__
                          + ": " + str(e) + "; its writes were discarded")
            result = None
            if op is not None:
                op.reset()
        if op is not None:
            _xcc.settle(op)
            _xcc.close_op()
        _return(result)

    return wrapper

