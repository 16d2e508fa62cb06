"""(copy of tests/explore/contracts/bank_safe_by_hand.py) The vault of bank_buggy.py written safely by hand in plain near-sdk-py, following NEAR's
callback-security guidance (used until near_safe's own primitives can express it):

* the deposit is credited only in the callback, after the pool accepted it;
* the callback is private (predecessor == this contract, exactly one promise result) and takes
  the user and amount from its own arguments, never from the predecessor;
* on failure the exact deposit goes back to the user;
* the prepaid gas is checked before any state change, and the callback gets a static
  reservation sized for a MicroPython method;
* each operation in flight has its own record, keyed by a fresh operation id.
"""

import json

import near
from near_sdk_py import Storage, call, init, view

TGAS = 1000000000000
POOL_GAS = 30 * TGAS
CALLBACK_GAS = 40 * TGAS
OWN_GAS = 20 * TGAS  # what deposit_and_stake itself burns, with margin


@init
def new(pool):  # expect: NS111, NS117
    Storage.set("pool", pool)


def _balance(user):
    return int(Storage.get_string("bal:" + user) or "0")


def _set_balance(user, value):
    if value:
        Storage.set("bal:" + user, str(value))
    else:
        Storage.remove("bal:" + user)


def _open_ops():
    return json.loads(Storage.get_string("open") or "[]")


def _set_open_ops(ops):
    if ops:
        Storage.set("open", json.dumps(ops))
    else:
        Storage.remove("open")


@view
def balance_of(account_id):
    return str(_balance(account_id))


@view
def pending_ops():
    return _open_ops()


@view
def in_flight_of(account_id):
    """What the vault holds for ``account_id`` in deposits whose callback has not run."""
    total = 0
    for op in _open_ops():
        record = json.loads(Storage.get_string("op:" + str(op)))
        if record["user"] == account_id:
            total += int(record["amount"])
    return str(total)


@call
def withdraw(amount):  # expect: NS107
    user = near.predecessor_account_id()
    amount = int(amount)
    balance = _balance(user)
    if amount <= 0 or amount > balance:
        near.panic_utf8("not enough balance")
    _set_balance(user, balance - amount)  # debit before the transfer
    promise = near.promise_batch_create(user)
    near.promise_batch_action_transfer(promise, amount)


@call
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    if amount <= 0:
        near.panic_utf8("attach a deposit")
    if near.prepaid_gas() < POOL_GAS + CALLBACK_GAS + OWN_GAS:
        near.panic_utf8("attach at least 90 Tgas")
    op = int(Storage.get_string("next_op") or "0")
    Storage.set("next_op", str(op + 1))
    _set_open_ops(_open_ops() + [op])
    Storage.set("op:" + str(op), json.dumps({"user": user, "amount": str(amount)}))
    pool = Storage.get_string("pool")
    promise = near.promise_create(pool, "deposit_and_stake", "{}", amount, POOL_GAS)
    args = json.dumps({"op": op, "user": user, "amount": str(amount)})
    near.promise_then(promise, near.current_account_id(), "on_deposit", args, 0, CALLBACK_GAS)


@call
def on_deposit(op, user, amount):
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("on_deposit is a private callback")
    if near.promise_results_count() != 1:
        near.panic_utf8("on_deposit is a private callback")
    ops = _open_ops()
    if op not in ops:
        near.panic_utf8("unknown operation")
    ops.remove(op)
    _set_open_ops(ops)
    Storage.remove("op:" + str(op))
    status, _ = near.promise_result(0)
    if status == 1:
        _set_balance(user, _balance(user) + int(amount))
    else:
        promise = near.promise_batch_create(user)
        near.promise_batch_action_transfer(promise, int(amount))
