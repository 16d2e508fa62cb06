"""near-sdk-py's promise builders with near_safe's settlement (contract side, MicroPython;
imported only by a contract that uses them).

The names and call shapes are near-sdk-py 1.0.0's: ``CrossContract(receiver).deposit(d)
.gas(g).call("m", **args).then("on_m", **cb_args)``, ``Promise.create_batch(x).transfer(n)
.function_call("m", args, amount, gas)``, ``p1.join([p2], "on_both", **cb_args)``,
``Promise.all([...])``, ``.value()``.  Every chain leaves through ``_xcc.launch``, the path of
``safe_call``: the gas check before anything leaves, reserved callback gas (weight 0), the
external calls by weight 1, the refund / credit / debit / lock settlement in the callback
(``.settle(...)``, safe_call's option names), the caller's deposit returned by the protocol
(refund_to) when the flow carries the caller's money.  What differs from near-sdk-py, so that
the form is safe by construction (docs/safety.md, "Promise builders"):

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
"""

from .. import CALLBACK_GAS, EXTERNAL_GAS, OWN_GAS, MisuseError, near
from . import _state, _xcc

_NONE = (None, 0, None, None, None, False, OWN_GAS)  # caller, refund, credit, debit, lock,
#                                                       claimable, own_gas


def _misuse(what):
    raise MisuseError(what)


class Promise(_state.Promise):
    """A chain of calls not sent yet (``index`` None); after ``then`` / ``join`` / ``value``
    the sent promise to return from the method."""

    def __init__(self, legs, gas=CALLBACK_GAS):
        self.index = None
        self._legs = legs  # [(receiver, [action])], see _xcc.launch; None once sent
        self._gas = gas
        self._opts = _NONE
        _state.unsent += 1

    @classmethod
    def create_batch(cls, account_id):
        """A batch of actions on ``account_id`` (one receipt: all or nothing)."""
        return PromiseBatch(account_id)

    @staticmethod
    def all(promises):
        """The promises joined (promise_and), not sent: end with ``then`` (one settlement over
        all results, a ``@multi_callback``) or ``value``."""
        legs = []
        for p in promises:
            legs += p._take()
        return Promise(legs)

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
            if p._opts is not _NONE:
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
        caller, refund, credit, debit, lock, claimable, own = self._opts
        cb_gas = self._gas
        if then is None:
            if deposit or self._opts is not _NONE:
                _misuse("a promise carrying NEAR or settle(...) needs a callback: end it with "
                        ".then(<a @callback of this contract>) instead of .value()")
            cb_gas = 0
        else:
            _xcc._check_then(then, args, "join" if len(legs) > 1 else "then")
            if len(legs) > 1 and deposit and debit and type(debit) is not str:
                _misuse("join: debit=(ledger, account, amount) cannot be restored per call; "
                        "use debit=LEDGER (each failed call's NEAR goes back by the protocol)")
        send = _xcc.launch(legs, deposit, gas, then, args, cb_gas, own, caller, refund, credit,
                           debit, lock, claimable)
        if _state._sends is None:
            self.index = send()
        else:
            _state._sends.append((self, send))  # a callback body: sent when it returns
        return self


class PromiseBatch(Promise):
    """Actions on one account, one receipt (near-sdk-py's PromiseBatch)."""

    def __init__(self, account_id, gas=EXTERNAL_GAS):
        Promise.__init__(self, [(account_id, [])])
        self._call_gas = gas

    def transfer(self, amount):
        self._legs[0][1].append((None, None, amount, 0))
        return self

    def function_call(self, method, args=None, amount=0, gas=None):
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
            return _Then(self)
        return self._send(self._take(), method, kwargs)


class _Then:
    def __init__(self, batch):
        self._batch = batch

    def function_call(self, method, args=None, amount=0, gas=None):
        b = self._batch
        if amount:
            _misuse("a callback takes no deposit")
        if gas is not None:
            b._gas = gas
        return b._send(b._take(), method, args or {})


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


def refuse_unsent():
    """Called when a method ends with builders never sent (near-sdk-py would have sent them)."""
    _state.unsent = 0
    raise _state.ContractError("Method " + _state.method + ": a promise was built but never "
                               "sent: end it with .then(<callback>) or .value() and return it")
