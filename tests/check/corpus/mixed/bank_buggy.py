"""(copy of tests/explore/contracts/bank_buggy.py) A vault with five cross-contract bugs, one per flow, written in plain near-sdk-py the way
they are written in the wild.  Each flow forwards the caller's deposit to the staking pool and
settles in a callback; ``withdraw`` pays out a credited balance.  The explorer tests find each
bug by itself (tests/explore/test_finds_bugs.py).

  stake_credit_first  NEAR's "wrong deposit_and_stake": credit first, remove on failure.  A
                      withdraw between call and callback plus a staking failure pays twice.
  stake_public_cb     its callback ``on_staked`` is public and trusts its arguments: anyone
                      can call it and mint a balance.
  stake_no_refund     on failure the deposit comes back to the vault and stays there.
  stake_starved       the callback gets whatever gas is left: with little attached gas the
                      refund callback runs out of gas and the deposit is lost.
  stake_shared        the in-flight operation is stored under one shared key: two deposits in
                      flight overwrite each other.
"""

import json

import near
from near_sdk_py import Storage, call, init, view

TGAS = 1000000000000
POOL_GAS = 30 * TGAS
CALLBACK_GAS = 40 * TGAS


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


def _transfer(user, amount):
    promise = near.promise_batch_create(user)
    near.promise_batch_action_transfer(promise, amount)


def _stake_then(amount, callback, args, callback_gas=CALLBACK_GAS):
    pool = Storage.get_string("pool")
    promise = near.promise_create(pool, "deposit_and_stake", "{}", amount, POOL_GAS)
    near.promise_then(promise, near.current_account_id(), callback, json.dumps(args), 0,
                      callback_gas)


def _only_self():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")


def _succeeded():
    status, _ = near.promise_result(0)
    return status == 1


@view
def balance_of(account_id):
    return str(_balance(account_id))


@view
def pending_ops():
    record = Storage.get_string("pending")
    return [record] if record else []


@call
def withdraw(amount):  # expect: NS107
    user = near.predecessor_account_id()
    amount = int(amount)
    balance = _balance(user)
    if amount <= 0 or amount > balance:
        near.panic_utf8("not enough balance")
    _set_balance(user, balance - amount)
    _transfer(user, amount)


# ---- 1. credit first, remove in the callback on failure (the guidance's wrong version)
@call
def stake_credit_first():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    _set_balance(user, _balance(user) + amount)  # expect: NS103
    _stake_then(amount, "on_credit_first", {"user": user, "amount": str(amount)})


@call
def on_credit_first(user, amount):
    _only_self()
    if not _succeeded():
        # remove what was credited and give the deposit back; but the user may have
        # withdrawn it in the meantime, and is then paid twice
        _set_balance(user, max(0, _balance(user) - int(amount)))
        _transfer(user, int(amount))


# ---- 2. a public callback that trusts its arguments
@call
def stake_public_cb():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    _stake_then(amount, "on_staked", {"user": user, "amount": str(amount)})  # expect: NS105


@call
def on_staked(user, amount):  # expect: NS101
    # the pool never fails, so just credit (no check of the caller or of the result)
    _set_balance(user, _balance(user) + int(amount))


# ---- 3. no refund when the external call fails
@call
def stake_no_refund():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    _stake_then(amount, "on_no_refund", {"user": user, "amount": str(amount)})  # expect: NS105


@call
def on_no_refund(user, amount):
    _only_self()
    if _succeeded():
        _set_balance(user, _balance(user) + int(amount))


# ---- 4. the callback gets what is left: starved when little gas is attached
@call
def stake_starved():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    left = near.prepaid_gas() - near.used_gas() - POOL_GAS - 10 * TGAS
    _stake_then(amount, "on_starved", {"user": user, "amount": str(amount)},  # expect: NS106
                callback_gas=max(left, TGAS))


@call
def on_starved(user, amount):
    _only_self()
    if _succeeded():
        _set_balance(user, _balance(user) + int(amount))
    else:
        _transfer(user, int(amount))


# ---- 5. one pending record shared by every operation in flight
@call
def stake_shared():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    Storage.set("pending", json.dumps({"user": user, "amount": str(amount)}))  # expect: NS108
    _stake_then(amount, "on_shared", {})


@call
def on_shared():
    _only_self()
    record = json.loads(Storage.get_string("pending"))
    Storage.remove("pending")
    user = record["user"]
    amount = int(record["amount"])
    if _succeeded():
        _set_balance(user, _balance(user) + amount)
    else:
        _transfer(user, amount)
