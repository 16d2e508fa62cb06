"""VULNERABLE (issue 10, finding 1, prepaid-wallet form, as docs/safety.md's debit= + lock=
pattern was): a user's balance pays a shop the user names; on failure the debit is restored.
A shop that keeps the payment and returns a failing promise gets paid while the user's
balance comes back: the same NEAR is spent again and again, out of the other users' money."""

import json

import near
from near_sdk_py import Storage, call, view

TGAS = 1000000000000


def _bal(user):
    return int(Storage.get_string("balance:" + user) or "0")


def _set(user, value):
    if value:
        Storage.set("balance:" + user, str(value))
    else:
        Storage.remove("balance:" + user)


@call
def deposit():
    user = near.predecessor_account_id()
    _set(user, _bal(user) + near.attached_deposit())


@call
def pay(shop, amount):
    user = near.predecessor_account_id()
    amount = int(amount)
    if amount <= 0 or _bal(user) < amount:
        near.panic_utf8("not enough balance")
    if near.storage_has_key("_ns:lock:" + user):
        near.panic_utf8("Locked: " + user)
    _set(user, _bal(user) - amount)
    Storage.set("_ns:lock:" + user, "1")
    p = near.promise_create(shop, "pay_for", "{}", amount, 30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_paid",
                      json.dumps({"user": user, "amount": str(amount)}), 0, 30 * TGAS)


@call
def on_paid(user, amount):
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    Storage.remove("_ns:lock:" + user)
    status, _ = near.promise_result(0)
    if status != 1:  # BUG: restores a debit whose NEAR may have stayed with the shop
        _set(user, _bal(user) + int(amount))


@call
def withdraw(amount):
    user = near.predecessor_account_id()
    amount = int(amount)
    if amount <= 0 or _bal(user) < amount:
        near.panic_utf8("not enough balance")
    _set(user, _bal(user) - amount)
    p = near.promise_batch_create(user)
    near.promise_batch_action_transfer(p, amount)


@view
def balance_of(account_id):
    return str(_bal(account_id))
