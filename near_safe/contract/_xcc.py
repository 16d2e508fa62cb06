"""Safe cross-contract calls and their settlement (contract side, MicroPython-safe).

One construct, ``safe_call``, carries every pattern of NEAR's callback security guidance
(docs/safety.md maps each rule):

* gas: before any state change it checks that the prepaid gas covers this method's remaining
  work, the external call's minimum and the callback's reservation, else panics with the Tgas to
  attach.  The callback gets static gas with weight 0; the external call gets its minimum plus
  all unused gas by weight 1 (spec 5.5);
* ``refund=``: on failure the amount goes back to the original caller (a claimable balance
  when it cannot be sent safely);
* ``credit=``: deferred crediting, applied only in the callback after success;
* ``debit=``: debit now, restored in the callback on failure;
* ``lock=``: a key held from the call to the callback, released on both paths.

The original caller and the amounts travel in the callback's arguments (key ``_ns``); an
in-flight record sits under a key unique to the operation (``_ns:op:<n>``) until the callback
settles it, so settlement happens at most once and in-flight amounts are visible in state.
"""

import json

import near

from .. import (
    _CALLBACKS,
    CALLBACK_GAS,
    EXTERNAL_GAS,
    OWN_GAS,
    REFUND_GAS,
    TGAS,
    MisuseError,
    convert,
)
from . import _state
from ._state import Promise

STORAGE_BYTE_COST = 10000000000000000000  # yocto per byte (spec 6)
CLAIM = "_ns:claim"  # ledger of refunds that could not be sent
_OP = "_ns:op:"
_SEQ = "_ns:seq"


class Result:
    """One promise result in a callback.

    ``succeeded``: the promise itself succeeded (status 1) - the fact settlement relies on.
    ``ok``: it succeeded and is usable (within the size bound; of the declared kind when the
    callback declares ``result=``).  ``raw``: the bytes (None on failure or above the bound).
    ``value``: the JSON-decoded value (None when not ok or not JSON), decoded on first use:
    decoding costs gas that grows faster than the size in MicroPython (measured: 1 KB about
    0.4 Tgas, 4 KB about 1.9 Tgas, 8 KB over 8 Tgas), so a callback that only settles never
    pays for it.  ``error``: why it is not ok ("failed", "result too large", "result is not
    JSON", "result has the wrong kind")."""

    def __init__(self, succeeded, ok, raw, error):
        self.succeeded = succeeded
        self.ok = ok
        self.raw = raw
        self.error = error
        self._value = None
        self._decoded = raw is None

    @property
    def value(self):
        if not self._decoded:
            self._decoded = True
            try:
                self._value = json.loads(self.raw) if self.raw else None
            except Exception:  # noqa: BLE001  not JSON: value stays None, raw is there
                self._value = None
        return self._value


def read_result(i, limit, kind):
    """Promise result ``i`` as a Result: bounded size; decoded now only to check ``kind``."""
    status, raw = near.promise_result(i)
    if status != 1:
        return Result(False, False, None, "failed")
    if len(raw) > limit:
        return Result(True, False, None, "result too large")
    r = Result(True, True, raw, None)
    if kind is not None:
        if raw:
            try:
                r._value = json.loads(raw)
            except Exception:  # noqa: BLE001
                return Result(True, False, raw, "result is not JSON")
        r._decoded = True
        good, r._value = convert(kind, r._value)
        if not good:
            r.ok, r._value, r.error = False, None, "result has the wrong kind"
    return r


class Operation:
    """The settlement near_safe owes for one safe_call, seen by the callback body through
    ``operation()``.  ``ok`` starts as "every promise succeeded" (``Result.succeeded``: an
    oversized or unexpected value does not undo a call that happened); the amounts to apply
    follow from it and the body may change them (for example refund only the unused part)."""

    def __init__(self, ns, ok):
        self.id = ns["o"]
        self.caller = ns["u"]
        self.lock = ns.get("l")
        self._ns = ns
        self._ok0 = ok
        self.set_ok(ok)

    def reset(self):
        """Back to the defaults (used when the callback body raised)."""
        self.set_ok(self._ok0)

    def set_ok(self, ok):
        """Recompute the default amounts for success (``ok``) or failure."""
        ns = self._ns
        self.ok = ok
        self.refund = 0 if ok else int(ns.get("r", "0"))
        c = ns.get("c")
        self.credit = int(c[2]) if ok and c else 0
        d = ns.get("d")
        self.restore = 0 if ok or not d else int(d[2])


def _norm(entry, caller, amount, what):
    """``ledger`` or ``(ledger, account, amount)`` -> JSON-ready ``[ledger, account, str]``."""
    if type(entry) is str:
        return [entry, caller, str(amount)]
    if isinstance(entry, (tuple, list)) and len(entry) == 3:
        return [entry[0], entry[1], str(entry[2])]
    raise MisuseError("safe_call: " + what + "= takes a ledger name or (ledger, account, amount)")


def safe_call(receiver, function, args=None, deposit=0, gas=EXTERNAL_GAS, then=None,
              then_args=None, callback_gas=CALLBACK_GAS, caller=None, refund=0, credit=None,
              debit=None, lock=None, claimable=False, own_gas=OWN_GAS):
    """Call ``receiver.function(args)`` and then this contract's callback ``then``; see the
    module docstring and docs/safety.md.  Returns a Promise to return from the method."""
    _check_then(then, then_args)
    # 1. Gas, before any state change of ours.
    need = near.used_gas() + own_gas + gas + callback_gas
    if near.prepaid_gas() < need:
        near.panic_utf8("Method " + _state.method + ": not enough gas: attach at least "
                        + str(-(-need // TGAS)) + " Tgas")
    if caller is None:
        caller = near.predecessor_account_id()
    # 2. A conflicting operation in flight: say what is locked.
    if lock and near.storage_has_key(_state.LOCK + lock):
        near.panic_utf8("Locked: " + lock)
    # 3. Settlement record: travels in the callback args, kept in flight under its own key.
    ns = None
    if refund or credit or debit or lock:
        seq = near.storage_read(_SEQ)
        n = 1 if seq is None else int(seq) + 1
        near.storage_write(_SEQ, str(n))
        ns = {"o": n, "u": caller}
        if refund:
            ns["r"] = str(refund)
            if claimable:
                ns["k"] = 1
        if credit:
            ns["c"] = _norm(credit, caller, deposit, "credit")
        if debit:
            d = _norm(debit, caller, deposit, "debit")
            _state.debit(d[0], d[1], int(d[2]))
            ns["d"] = d
        if lock:
            near.storage_write(_state.LOCK + lock, str(n))
            ns["l"] = lock
        near.storage_write(_OP + str(n), json.dumps(ns))
    # 4. Promises: external call by weight, callback with static reserved gas.
    cb_args = dict(then_args) if then_args else {}
    if ns is not None:
        cb_args["_ns"] = ns
    p = near.promise_batch_create(receiver)
    near.promise_batch_action_function_call_weight(
        p, function, json.dumps(args) if args is not None else "{}", deposit, gas, 1)
    c = near.promise_batch_then(p, near.current_account_id())
    near.promise_batch_action_function_call_weight(c, then, json.dumps(cb_args), 0, callback_gas, 0)
    return Promise(c)


def _check_then(then, then_args):
    """The callback must exist and accept ``then_args``: a callback that panics on its
    arguments (or is missing) would never settle, leaving funds and locks stuck."""
    if then not in _CALLBACKS:
        raise MisuseError("safe_call: then=%r is not a @callback of this contract" % (then,))
    spec = _CALLBACKS[then] or {}
    args = then_args or {}
    for name in args:
        if name not in spec:
            raise MisuseError("safe_call: callback %s takes no argument %r" % (then, name))
    for name in spec:
        kind = spec[name]
        if name not in args:
            if kind[0] != "?":
                raise MisuseError("safe_call: callback %s needs argument %r" % (then, name))
        elif not convert(kind.lstrip("?"), args[name])[0]:
            raise MisuseError("safe_call: argument %r of %s must be of kind %s"
                              % (name, then, kind))


def open_op(ns, results):
    """Start settling: remove the in-flight record (panics if it was already settled)."""
    if near.storage_remove(_OP + str(ns["o"])) is None:
        near.panic_utf8("Method " + _state.method + ": unknown operation " + str(ns["o"]))
    ok = True
    for r in results:
        if not r.succeeded:
            ok = False
    _state.op = Operation(ns, ok)
    return _state.op


def settle(op):
    """Apply the settlement: unlock, credit (success), restore and refund (failure)."""
    ns = op._ns
    if op.lock:
        near.storage_remove(_state.LOCK + op.lock)
    if op.credit:
        c = ns["c"]
        _state.credit(c[0], c[1], op.credit)
    if op.restore:
        d = ns["d"]
        _state.credit(d[0], d[1], op.restore)
    if op.refund:
        refund(op.caller, op.refund, ns.get("k"))


def refund(account, amount, hold=False):
    """Transfer ``amount`` to ``account`` when that is safe: enough gas left for the transfer
    and the contract stays covered for storage (a LackBalanceForState would roll back the whole
    callback, spec 6).  Otherwise record it as claimable (``claim()`` pays it out)."""
    if not hold and near.prepaid_gas() - near.used_gas() >= REFUND_GAS and (
        near.account_balance() - amount
        >= (near.storage_usage() + 200) * STORAGE_BYTE_COST
    ):
        p = near.promise_batch_create(account)
        near.promise_batch_action_transfer(p, amount)
        return True
    _state.credit(CLAIM, account, amount)
    near.log_utf8("refund of " + str(amount) + " to " + account + " is claimable")
    return False


def claim():
    """Pay the caller's claimable refunds (use in a ``@call`` method of your contract)."""
    who = near.predecessor_account_id()
    amount = _state.balance(CLAIM, who)
    if not amount:
        near.panic_utf8("Method " + _state.method + ": nothing to claim")
    _state.debit(CLAIM, who, amount)
    p = near.promise_batch_create(who)
    near.promise_batch_action_transfer(p, amount)
    return str(amount)
