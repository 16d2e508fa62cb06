"""Cross-contract calls (contract side, MicroPython-safe; imported by a method that makes one):
``safe_call`` and ``launch``, the one path by which safe_call and near-sdk-py's promise builders
(contract/_builders.py, loaded only by a contract that builds a chain) leave - one settlement.

``safe_call`` carries every pattern of NEAR's callback security guidance (docs/safety.md maps
each rule):

* gas: before any state change it checks that the prepaid gas covers this method's remaining
  work, the external calls' minimum and the callback's reservation, else panics with the Tgas
  to attach.  The callback gets static gas with weight 0; the external calls get their minimum
  plus all unused gas by weight 1 (docs/protocol.md 5.5);
* ``refund=``: on failure the amount goes back to the original caller (a claimable balance
  when it cannot be sent safely);
* ``credit=``: deferred crediting, applied only in the callback after success;
* ``debit=``: debit now, restored in the callback on failure;
* ``lock=``: a key held from the call to the callback, released on both paths.

The original caller and the amounts stay in an in-flight record under a key unique to the
operation (``_ns:op:<n>``) until the callback settles it (contract/_xcc.py), so settlement
happens at most once and in-flight amounts are visible in state; the callback's arguments
carry only the number (key ``_ns``).

The builders live apart because every module-level name and class costs gas at every import
(bench/bench_classes.py, bench/bench_promises.py): a safe_call contract loads only this.
"""

# One import statement, json and state (contract/_state.py) through the root too: `import
# json` (a built-in module) costs a call about 45 Ggas, any import statement and each name bound
# a few (bench/bench_import_costs.py).  near: the host module (under CPython the stand-in of
# near_safe._host).
from .. import (
    _CALLBACKS,
    CALLBACK_GAS,
    EXTERNAL_GAS,
    MAX_SEND,
    OWN_GAS,
    TGAS,
    MisuseError,
    convert,
    json,
    near,
    state,
)

_OP = "_ns:op:"  # the record; read back by contract/_xcc.py open_op
_SEQ = "_ns:seq"


def _norm(entry, caller, amount, what):
    """``ledger`` or ``(ledger, account, amount)`` -> JSON-ready ``[ledger, account, str]``."""
    if type(entry) is str:
        return [entry, caller, str(amount)]
    if isinstance(entry, (tuple, list)) and len(entry) == 3:
        return [entry[0], entry[1], str(entry[2])]
    raise MisuseError("safe_call: " + what + "= takes a ledger name or (ledger, account, amount)")


def _error(what):
    """A failed check: ContractError, so that a @call panics with it and a callback body that
    makes the call is contained (its writes dropped, the settlement still commits)."""
    raise state.ContractError("Method " + state.method + ": " + what)


def safe_call(receiver, function, args=None, deposit=0, gas=EXTERNAL_GAS, then=None,
              then_args=None, callback_gas=CALLBACK_GAS, caller=None, refund=0, credit=None,
              debit=None, lock=None, claimable=False, own_gas=OWN_GAS):
    """Call ``receiver.function(args)`` and then this contract's callback ``then``; see the
    module docstring and docs/safety.md.  Returns a Promise to return from the method."""
    if state.readonly is not None:
        state.write_refused()
    _check_then(then, then_args, "safe_call")
    a = state.dumps(args) if args is not None else "{}"
    return state.promise(launch([(receiver, [(function, a, deposit, gas)])], deposit, gas, then,
                                 then_args, callback_gas, own_gas, caller, refund, credit,
                                 debit, lock, claimable))


def launch(legs, deposit, gas, then, then_args, callback_gas, own_gas, caller, refund, credit,
           debit, lock, claimable):
    """The one settlement path of safe_call and the promise builders (contract/_builders.py).
    ``legs``: ``[(receiver, actions)]``, one batch receipt each (several are joined with
    promise_and, one settlement over all results); an action is ``(method, args JSON,
    deposit, static gas)``, ``(None, None, amount, 0)`` for a transfer, or an account action
    (``PromiseBatch``).  ``deposit``: the NEAR all legs carry; ``gas``: their static gas.
    ``then`` was checked by the caller (None: no callback, only for a flow that carries no NEAR
    and settles nothing).  Checks, numbers and records the operation now; returns ``send`` (it
    creates the promises and returns the index to return), for ``state.promise`` or the
    builder's own deferral."""
    # 1. Gas, before any state change of ours.
    need = near.used_gas() + own_gas + gas + callback_gas
    if near.prepaid_gas() < need:
        _error("not enough gas: attach at least " + str(-(-need // TGAS)) + " Tgas")
    if MAX_SEND is not None and (deposit > MAX_SEND or refund > MAX_SEND):
        _error("a deposit or refund above " + str(MAX_SEND) + " yoctoNEAR cannot be sent "
               "(nearc 0.10's CPython backend)")
    byname = type(debit) is str
    money = refund or credit or debit or lock
    if caller is None and money:
        if state.op is not None:
            caller = state.op.caller  # in a callback: the user of the operation it settles
        elif state.in_callback:
            _error("safe_call in a callback needs caller= (the predecessor is this contract)")
        else:
            caller = near.predecessor_account_id()
    # 2. Whose is the deposit if the callee's receipt fails?  The caller's when it is the
    #    caller's money (refund=, or debit= by ledger name): the protocol returns it straight
    #    to them (refund_to), so settlement never pays it out of the contract's balance - the
    #    callback cannot tell a failed receipt from a callee that kept the deposit and
    #    returned a failing promise.
    back = deposit if deposit and (refund or byname) else 0
    if back:
        if refund and refund < deposit:
            raise MisuseError("safe_call: refund= is less than deposit=: a failed call's deposit "
                              "returns whole to one account; refund at least the deposit")
        if not hasattr(near, "promise_set_refund_to"):  # a port near_safe did not build,
            # or nearc 0.10's CPython backend (its python.wasm has no such host function)
            _error("a deposit returned to the caller needs near.promise_set_refund_to "
                   "(protocol >= 82), which only near-safe build's MicroPython has")
    # 3. A conflicting operation in flight: say what is locked.
    if lock and state.has(state.LOCK + lock):
        _error("Locked: " + lock)
    # 4. Settlement record, kept under its own key until the callback settles it; the
    #    callback gets only its number.
    n = None
    if money:
        seq = state.read(_SEQ)
        n = 1 if seq is None else int(seq) + 1
        state.write(_SEQ, str(n))
        rec = {"u": caller, "t": then, "s": near.signer_account_id()}
        if refund > back:
            rec["r"] = str(refund - back)
            if claimable:
                rec["k"] = 1
        if credit:
            rec["c"] = _norm(credit, caller, deposit, "credit")
        if debit:
            d = _norm(debit, caller, deposit, "debit")
            state.debit(d[0], d[1], int(d[2]))
            if not byname:
                rec["d"] = d  # restored on failure; a debit by name left as the deposit
        if lock:
            state.write(state.LOCK + lock, str(n))
            rec["l"] = lock
        state.write(_OP + str(n), json.dumps(rec))
    # 5. Promises: external calls by weight, callback with static reserved gas.
    cb_args = dict(then_args) if then_args else {}
    if n is not None:
        cb_args["_ns"] = n
    cb = state.dumps(cb_args)
    to = caller if back else None

    def send():
        ps = []
        for receiver, actions in legs:
            p = near.promise_batch_create(receiver)
            carries = 0
            for m, a, d, g in actions:
                if m is None:
                    near.promise_batch_action_transfer(p, d)
                elif type(m) is str:
                    near.promise_batch_action_function_call_weight(p, m, a, d, g, 1)
                else:  # an account action of a PromiseBatch (contract/_builders.py)
                    from ._builders import account_action

                    account_action(p, m, a)
                carries += d
            if to is not None and carries:
                near.promise_set_refund_to(p, to)
            ps.append(p)
        p = ps[0] if len(ps) == 1 else near.promise_and(ps)
        if then is None:
            return p
        c = near.promise_batch_then(p, near.current_account_id())
        near.promise_batch_action_function_call_weight(c, then, cb, 0, callback_gas, 0)
        return c

    return send


def _check_then(then, then_args, who):
    """The callback must exist and accept ``then_args``: a callback that panics on its
    arguments (or is missing) would never settle, leaving funds and locks stuck.  ``who``
    names the construct in the message (safe_call, then, join)."""
    if then not in _CALLBACKS:
        raise MisuseError(who + ": then=%r is not a @callback of this contract" % (then,))
    spec = _CALLBACKS[then] or {}
    args = then_args or {}
    for name in args:
        if name not in spec:
            raise MisuseError(who + ": callback %s takes no argument %r" % (then, name))
    for name in spec:
        kind = spec[name]
        if name not in args:
            if kind[0] != "?":
                raise MisuseError(who + ": callback %s needs argument %r" % (then, name))
        elif not convert(kind.lstrip("?"), args[name])[0]:
            raise MisuseError(who + ": argument %r of %s must be of kind %s"
                              % (name, then, kind))
