"""WRONG: the deposit-and-stake vault from NEAR's security guidance, "credit first, remove on
failure", in plain near-sdk-py.  Do not copy.  Between the call and its callback the user's
balance is already spendable: withdraw it, let the staking fail, and the callback refunds the
same NEAR a second time."""

import json

import near
from near_sdk_py import Storage, call, init, view

TGAS = 10**12


def _balance(user):
    return int(Storage.get_string("staked:" + user) or "0")


def _pay(user, amount):
    near.promise_batch_action_transfer(near.promise_batch_create(user), amount)


@init
def new(pool):
    Storage.set("pool", pool)


@call
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    Storage.set("staked:" + user, str(_balance(user) + amount))  # credited before it is staked
    p = near.promise_create(Storage.get_string("pool"), "deposit_and_stake", "{}", amount,
                            30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_staked",
                      json.dumps({"user": user, "amount": str(amount)}), 0, 30 * TGAS)


@call
def on_staked(user, amount):
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private")
    status, _ = near.promise_result(0)
    if status != 1:  # staking failed: its NEAR came back to this vault
        amount = int(amount)
        Storage.set("staked:" + user, str(max(0, _balance(user) - amount)))
        _pay(user, amount)  # ...and goes back to the user, who may have withdrawn it already


@call
def withdraw(amount):
    user = near.predecessor_account_id()
    amount = int(amount)
    if amount <= 0 or amount > _balance(user):
        near.panic_utf8("not enough balance")
    Storage.set("staked:" + user, str(_balance(user) - amount))
    _pay(user, amount)


@view
def staked_of(account_id):
    return str(_balance(account_id))
