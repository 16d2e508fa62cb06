"""near-sdk-py's promise builders (contract side, MicroPython-safe): frozen only into a contract
that names ``CrossContract``, ``Promise`` or ``PromiseBatch`` (builder/_analyze.py
ON_DEMAND_FILES), loaded only when such a contract builds a chain (the root's stand-ins); every
chain leaves through contract/_promise.py ``launch``, safe_call's one settlement path.

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
``near_safe.Promise`` / ``CrossContract`` are small stand-ins in the root (near_safe/_root.py)
that load this module only when a chain is built.
"""

# One import binding one name: each name bound at import costs a call about 2 Ggas
# (bench/bench_import_costs.py), so _promise's names are used through the module.
from . import _promise as _p


class Promise(_p.state.Promise):
    """A chain of calls not sent yet (``index`` None); after ``then`` / ``join`` / ``value``
    the sent promise to return from the method.  ``near_safe.Promise`` is a stand-in with
    near-sdk-py's ``Promise.create_batch`` and ``Promise.all`` (near_safe/_root.py)."""

    def __init__(self, legs):
        self.index = None
        self._legs = legs  # [(receiver, [action])], see launch; None once sent
        self._gas = _p.CALLBACK_GAS  # the callback's static gas
        self._opts = None  # settle(...)
        self._cb = False  # PromiseBatch.then(this account): its function_call is the callback
        _p.state.unsent += 1

    def gas(self, amount):
        """The callback's static gas (weight 0)."""
        self._gas = amount
        return self

    def settle(self, refund=0, credit=None, debit=None, lock=None, claimable=False, caller=None,
               own_gas=_p.OWN_GAS):
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
                raise _p.MisuseError("join: give settle(...) to the promise join is called on")
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
            raise _p.MisuseError("this promise was sent already: chain the next call from its "
                                 "callback")
        self._legs = None
        _p.state.unsent -= 1
        return legs

    def _send(self, legs, then, args):
        if _p.state.readonly is not None:
            _p.state.write_refused()
        if not legs:
            raise _p.MisuseError("Promise.all([]): nothing to send")
        deposit = gas = 0
        for receiver, actions in legs:
            for m, a, d, g in actions:
                deposit += d
                gas += g
        opts = self._opts
        if opts is None:
            opts = (None, 0, None, None, None, False, _p.OWN_GAS)
        caller, refund, credit, debit, lock, claimable, own = opts
        cb_gas = self._gas
        if then is None:
            if deposit or self._opts is not None:
                raise _p.MisuseError("a promise carrying NEAR or settle(...) needs a callback: "
                                     "end it with .then(<a @callback of this contract>) instead "
                                     "of .value()")
            cb_gas = 0
        else:
            _p._check_then(then, args, "join" if len(legs) > 1 else "then")
            if len(legs) > 1 and deposit and debit and type(debit) is not str:
                raise _p.MisuseError("join: debit=(ledger, account, amount) cannot be restored "
                                     "per call; use debit=LEDGER (each failed call's NEAR goes "
                                     "back by the protocol)")
        send = _p.launch(legs, deposit, gas, then, args, cb_gas, own, caller, refund, credit,
                         debit, lock, claimable)
        if _p.state._sends is None:
            self.index = send()
        else:
            _p.state._sends.append((self, send))  # a callback body: sent when it returns
        return self


_ACTIONS = ("create_account", "deploy_contract", "add_full_access_key", "add_access_key",
            "delete_key", "stake", "delete_account")


def account_action(p, k, a):
    """Account action ``k`` (1 + its index in _ACTIONS) with near-sdk-py's positional
    arguments ``a``; NEAR never leaves with them (a stake locks the receiver's own balance)."""
    if k == 1:
        _p.near.promise_batch_action_create_account(p)
    elif k == 2:
        _p.near.promise_batch_action_deploy_contract(p, a[0])
    elif k == 3:  # public_key, nonce=0
        _p.near.promise_batch_action_add_key_with_full_access(p, a[0], a[1] if len(a) > 1 else 0)
    elif k == 4:  # public_key, allowance, receiver_id, method_names, nonce=0
        _p.near.promise_batch_action_add_key_with_function_call(
            p, a[0], a[4] if len(a) > 4 else 0, a[1] or 0, a[2], ",".join(a[3]))
    elif k == 5:
        _p.near.promise_batch_action_delete_key(p, a[0])
    elif k == 6:  # amount, public_key
        _p.near.promise_batch_action_stake(p, a[0], a[1])
    else:
        _p.near.promise_batch_action_delete_account(p, a[0])


class PromiseBatch(Promise):
    """Actions on one account, one receipt (near-sdk-py's PromiseBatch).  An action is
    ``(method, args, deposit, gas)`` for a call, ``(None, None, amount, 0)`` for a transfer, or
    ``(code, args, 0, 0)`` for an account action (``account_action``)."""

    def __init__(self, account_id, gas=_p.EXTERNAL_GAS):
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
                raise _p.MisuseError("a callback takes no deposit")
            if gas is not None:
                self._gas = gas
            return self._send(self._take(), method, args or {})
        if args is None:
            a = ""
        else:
            a = args if type(args) is str else _p.state.dumps(args)
        self._legs[0][1].append((method, a, amount, self._call_gas if gas is None else gas))
        return self

    def then(self, method, **kwargs):
        """``then("on_x", **args)``: the callback, as Promise.then.  ``then(this contract's
        account)``: near-sdk-py's form; its ``function_call(callback, args, 0, gas)`` is the
        callback."""
        if method == _p.near.current_account_id():
            self._cb = True
            return self
        return self._send(self._take(), method, kwargs)


class CrossContract:
    """Calls to ``account_id`` (near-sdk-py's CrossContract): ``gas`` is the static gas of each
    call (it also gets the unused gas, by weight), ``deposit`` the NEAR attached to it."""

    def __init__(self, account_id, gas=_p.EXTERNAL_GAS, deposit=0):
        self.account_id = account_id
        self._gas = gas
        self._deposit = deposit

    def gas(self, amount):
        return CrossContract(self.account_id, amount, self._deposit)

    def deposit(self, amount):
        return CrossContract(self.account_id, self._gas, amount)

    def call(self, method, **kwargs):
        return Promise([(self.account_id, [(method, _p.state.dumps(kwargs), self._deposit,
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
    _p.state.unsent = 0
    raise _p.state.ContractError("Method " + _p.state.method + ": a promise was built but "
                                 "never sent: end it with .then(<callback>) or .value() and "
                                 "return it")
