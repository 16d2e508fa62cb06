"""Cross-contract calls (contract side, MicroPython-safe; imported by a method that makes one):
``safe_call`` and near-sdk-py's promise builders, both through ``launch`` - one path, one
settlement.

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

The builders have near-sdk-py 1.0.0's names and call shapes: ``CrossContract(receiver)
.deposit(d).gas(g).call("m", **args).then("on_m", **cb_args)``, ``Promise.create_batch(x)
.transfer(n).function_call("m", args, amount, gas)``, ``p1.join([p2], "on_both", **cb_args)``,
``Promise.all([...])``, ``.value()``; settlement options go in ``.settle(...)`` (safe_call's
names).  What differs from near-sdk-py, so that the form is safe by construction
(docs/safety.md, "Promise builders"):

* nothing is created until the chain ends (``then`` / ``join`` / ``value``): the checks run
  first and a refused chain leaves nothing behind; a builder never ended panics at the end of
  the method (near-sdk-py would have sent it);
* NEAR (a deposit, a transfer) leaves only with a callback of this contract, where near_safe
  settles its failure (near-sdk-py lets a batch transfer leave with no settlement at all);
* ``then`` / ``join`` name a near_safe ``@callback`` / ``@multi_callback`` of this contract with
  arguments it accepts; ``PromiseBatch.then(this contract).function_call(callback, args)``
  (near-sdk-py's way to chain a callback after a batch) means the same;
* ``Promise.gas(g)`` before ``then`` is the callback's static gas (near-sdk-py: the gas of what
  is chained next); the callback's default is CALLBACK_GAS, not the call's gas.
``near_safe.Promise`` / ``CrossContract`` are small stand-ins in near_safe/_root.py (the contract-side root) that
load this module only when a chain is built.
"""

import json

from .. import (  # near: the host module (under CPython the stand-in of near_safe._host)
    _CALLBACKS,
    CALLBACK_GAS,
    EXTERNAL_GAS,
    OWN_GAS,
    TGAS,
    MisuseError,
    convert,
    near,
)
from . import _state

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
    raise _state.ContractError("Method " + _state.method + ": " + what)


def safe_call(receiver, function, args=None, deposit=0, gas=EXTERNAL_GAS, then=None,
              then_args=None, callback_gas=CALLBACK_GAS, caller=None, refund=0, credit=None,
              debit=None, lock=None, claimable=False, own_gas=OWN_GAS):
    """Call ``receiver.function(args)`` and then this contract's callback ``then``; see the
    module docstring and docs/safety.md.  Returns a Promise to return from the method."""
    if _state.readonly is not None:
        _state.write_refused()
    _check_then(then, then_args, "safe_call")
    a = _state.dumps(args) if args is not None else "{}"
    return _state.promise(launch([(receiver, [(function, a, deposit, gas)])], deposit, gas, then,
                                 then_args, callback_gas, own_gas, caller, refund, credit,
                                 debit, lock, claimable))


def launch(legs, deposit, gas, then, then_args, callback_gas, own_gas, caller, refund, credit,
           debit, lock, claimable):
    """The one settlement path of safe_call and the promise builders (contract/_promise.py).
    ``legs``: ``[(receiver, actions)]``, one batch receipt each (several are joined with
    promise_and, one settlement over all results); an action is ``(method, args JSON,
    deposit, static gas)``, ``(None, None, amount, 0)`` for a transfer, or an account action
    (``PromiseBatch``).  ``deposit``: the NEAR all legs carry; ``gas``: their static gas.  ``then`` was checked by the caller (None:
    no callback, only for a flow that carries no NEAR and settles nothing).  Checks, numbers
    and records the operation now; returns ``send`` (it creates the promises and returns the
    index to return), for ``_state.promise`` or the builder's own deferral."""
    # 1. Gas, before any state change of ours.
    need = near.used_gas() + own_gas + gas + callback_gas
    if near.prepaid_gas() < need:
        _error("not enough gas: attach at least " + str(-(-need // TGAS)) + " Tgas")
    byname = type(debit) is str
    money = refund or credit or debit or lock
    if caller is None and money:
        if _state.op is not None:
            caller = _state.op.caller  # in a callback: the user of the operation it settles
        elif _state.in_callback:
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
        if not hasattr(near, "promise_set_refund_to"):  # a port near_safe did not build
            _error("a deposit returned to the caller needs near.promise_set_refund_to "
                   "(protocol >= 82): build the contract with near-safe build")
    # 3. A conflicting operation in flight: say what is locked.
    if lock and _state.has(_state.LOCK + lock):
        _error("Locked: " + lock)
    # 4. Settlement record, kept under its own key until the callback settles it; the
    #    callback gets only its number.
    n = None
    if money:
        seq = _state.read(_SEQ)
        n = 1 if seq is None else int(seq) + 1
        _state.write(_SEQ, str(n))
        rec = {"u": caller, "t": then, "s": near.signer_account_id()}
        if refund > back:
            rec["r"] = str(refund - back)
            if claimable:
                rec["k"] = 1
        if credit:
            rec["c"] = _norm(credit, caller, deposit, "credit")
        if debit:
            d = _norm(debit, caller, deposit, "debit")
            _state.debit(d[0], d[1], int(d[2]))
            if not byname:
                rec["d"] = d  # restored on failure; a debit by name left as the deposit
        if lock:
            _state.write(_state.LOCK + lock, str(n))
            rec["l"] = lock
        _state.write(_OP + str(n), json.dumps(rec))
    # 5. Promises: external calls by weight, callback with static reserved gas.
    cb_args = dict(then_args) if then_args else {}
    if n is not None:
        cb_args["_ns"] = n
    cb = _state.dumps(cb_args)
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
                else:
                    _account_action(p, m, a)
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


def _misuse(what):
    raise MisuseError(what)


class Promise(_state.Promise):
    """A chain of calls not sent yet (``index`` None); after ``then`` / ``join`` / ``value``
    the sent promise to return from the method.  ``near_safe.Promise`` is a stand-in with
    near-sdk-py's ``Promise.create_batch`` and ``Promise.all`` (near_safe/_root.py)."""

    def __init__(self, legs):
        self.index = None
        self._legs = legs  # [(receiver, [action])], see launch; None once sent
        self._gas = CALLBACK_GAS  # the callback's static gas
        self._opts = None  # settle(...)
        self._cb = False  # PromiseBatch.then(this account): its function_call is the callback
        _state.unsent += 1

    def gas(self, amount):
        """The callback's static gas (weight 0)."""
        self._gas = amount
        return self

    def settle(self, refund=0, credit=None, debit=None, lock=None, claimable=False, caller=None,
               own_gas=OWN_GAS):
        """safe_call's settlement options for this chain (docs/safety.md); give them before
        ``then`` / ``join``."""
        self._opts = (caller, refund, credit, debit, lock, claimable, own_gas)
        return self

    def then(self, method, **kwargs):
        """Send the chain, then this contract's callback ``method(result, **kwargs)``."""
        return self._send(self._take(), method, kwargs)

    def join(self, others, callback, **kwargs):
        """Send this chain and ``others`` joined, then ``callback`` with all their results (a
        ``@multi_callback``); one settlement over all of them (this chain's ``settle``)."""
        legs = self._take()
        for p in others:
            if p._opts is not None:
                _misuse("join: give settle(...) to the promise join is called on")
            legs = legs + p._take()
        return self._send(legs, callback, kwargs)

    def value(self):
        """Send the chain without a callback (only when it carries no NEAR and settles
        nothing); return the result from the method."""
        if self._legs is None:
            return self  # sent by then / join: near-sdk-py's ``.then(...).value()``
        return self._send(self._take(), None, None)

    def _take(self):
        legs = self._legs
        if legs is None:
            _misuse("this promise was sent already: chain the next call from its callback")
        self._legs = None
        _state.unsent -= 1
        return legs

    def _send(self, legs, then, args):
        if _state.readonly is not None:
            _state.write_refused()
        if not legs:
            _misuse("Promise.all([]): nothing to send")
        deposit = gas = 0
        for receiver, actions in legs:
            for m, a, d, g in actions:
                deposit += d
                gas += g
        opts = self._opts
        if opts is None:
            opts = (None, 0, None, None, None, False, OWN_GAS)
        caller, refund, credit, debit, lock, claimable, own = opts
        cb_gas = self._gas
        if then is None:
            if deposit or self._opts is not None:
                _misuse("a promise carrying NEAR or settle(...) needs a callback: end it with "
                        ".then(<a @callback of this contract>) instead of .value()")
            cb_gas = 0
        else:
            _check_then(then, args, "join" if len(legs) > 1 else "then")
            if len(legs) > 1 and deposit and debit and type(debit) is not str:
                _misuse("join: debit=(ledger, account, amount) cannot be restored per call; "
                        "use debit=LEDGER (each failed call's NEAR goes back by the protocol)")
        send = launch(legs, deposit, gas, then, args, cb_gas, own, caller, refund, credit,
                           debit, lock, claimable)
        if _state._sends is None:
            self.index = send()
        else:
            _state._sends.append((self, send))  # a callback body: sent when it returns
        return self


_ACTIONS = ("create_account", "deploy_contract", "add_full_access_key", "add_access_key",
            "delete_key", "stake", "delete_account")


def _account_action(p, k, a):
    """Account action ``k`` (1 + its index in _ACTIONS) with near-sdk-py's positional
    arguments ``a``; NEAR never leaves with them (a stake locks the receiver's own balance)."""
    if k == 1:
        near.promise_batch_action_create_account(p)
    elif k == 2:
        near.promise_batch_action_deploy_contract(p, a[0])
    elif k == 3:  # public_key, nonce=0
        near.promise_batch_action_add_key_with_full_access(p, a[0], a[1] if len(a) > 1 else 0)
    elif k == 4:  # public_key, allowance, receiver_id, method_names, nonce=0
        near.promise_batch_action_add_key_with_function_call(
            p, a[0], a[4] if len(a) > 4 else 0, a[1] or 0, a[2], ",".join(a[3]))
    elif k == 5:
        near.promise_batch_action_delete_key(p, a[0])
    elif k == 6:  # amount, public_key
        near.promise_batch_action_stake(p, a[0], a[1])
    else:
        near.promise_batch_action_delete_account(p, a[0])


class PromiseBatch(Promise):
    """Actions on one account, one receipt (near-sdk-py's PromiseBatch).  An action is
    ``(method, args, deposit, gas)`` for a call, ``(None, None, amount, 0)`` for a transfer, or
    ``(code, args, 0, 0)`` for an account action (``_account_action``)."""

    def __init__(self, account_id, gas=EXTERNAL_GAS):
        Promise.__init__(self, [(account_id, [])])
        self._call_gas = gas

    def transfer(self, amount):
        self._legs[0][1].append((None, None, amount, 0))
        return self

    def __getattr__(self, name):
        """near-sdk-py's account actions (create_account, deploy_contract,
        add_full_access_key, add_access_key, delete_key, stake, delete_account), by position:
        one method for the seven, as each method defined costs gas at every import."""
        if name not in _ACTIONS:
            raise AttributeError(name)
        k = _ACTIONS.index(name) + 1

        def act(*a):
            self._legs[0][1].append((k, a, 0, 0))
            return self

        return act

    def function_call(self, method, args=None, amount=0, gas=None):
        if self._cb:  # after then(this account): the callback
            if amount:
                _misuse("a callback takes no deposit")
            if gas is not None:
                self._gas = gas
            return self._send(self._take(), method, args or {})
        if args is None:
            a = ""
        else:
            a = args if type(args) is str else _state.dumps(args)
        self._legs[0][1].append((method, a, amount, self._call_gas if gas is None else gas))
        return self

    def then(self, method, **kwargs):
        """``then("on_x", **args)``: the callback, as Promise.then.  ``then(this contract's
        account)``: near-sdk-py's form; its ``function_call(callback, args, 0, gas)`` is the
        callback."""
        if method == near.current_account_id():
            self._cb = True
            return self
        return self._send(self._take(), method, kwargs)


class CrossContract:
    """Calls to ``account_id`` (near-sdk-py's CrossContract): ``gas`` is the static gas of each
    call (it also gets the unused gas, by weight), ``deposit`` the NEAR attached to it."""

    def __init__(self, account_id, gas=EXTERNAL_GAS, deposit=0):
        self.account_id = account_id
        self._gas = gas
        self._deposit = deposit

    def gas(self, amount):
        return CrossContract(self.account_id, amount, self._deposit)

    def deposit(self, amount):
        return CrossContract(self.account_id, self._gas, amount)

    def call(self, method, **kwargs):
        return Promise([(self.account_id, [(method, _state.dumps(kwargs), self._deposit,
                                            self._gas)])])

    def batch(self):
        return PromiseBatch(self.account_id, self._gas)


def all_of(promises):
    """``Promise.all``: the promises joined (promise_and), not sent: end with ``then`` (one
    settlement over all results, a ``@multi_callback``) or ``value``."""
    legs = []
    for p in promises:
        legs += p._take()
    return Promise(legs)


def refuse_unsent():
    """Called when a method ends with builders never sent (near-sdk-py would have sent them)."""
    _state.unsent = 0
    raise _state.ContractError("Method " + _state.method + ": a promise was built but never "
                               "sent: end it with .then(<callback>) or .value() and return it")
