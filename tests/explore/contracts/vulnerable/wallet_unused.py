"""VULNERABLE (issue 10, finding 9): a prepaid wallet gives back "the unused part" of a payment
(``paid - charged``, the shop's answer) in its callback, unchecked: a shop that answers more than
it was paid (or a number that is not one) makes the adjustment negative, the callback panics,
and the user's lock and the in-flight record stay for ever."""

import json

import near
from near_sdk_py import Storage, call, view

TGAS = 1000000000000


def _bal(user):
    return int(Storage.get_string("balance:" + user) or "0")


def _credit(user, amount):
    value = _bal(user) + amount
    if value < 0:
        near.panic_utf8("negative balance")
    Storage.set("balance:" + user, str(value))


@call
def deposit():
    _credit(near.predecessor_account_id(), near.attached_deposit())


@call
def pay(shop, amount):
    user = near.predecessor_account_id()
    amount = int(amount)
    if amount <= 0 or _bal(user) < amount:
        near.panic_utf8("not enough balance")
    if near.storage_has_key("_ns:lock:" + user):
        near.panic_utf8("Locked: " + user)
    _credit(user, -amount)
    Storage.set("_ns:lock:" + user, "1")
    Storage.set("_ns:op:" + user, json.dumps({"u": user, "r": str(amount)}))
    p = near.promise_create(shop, "charge", json.dumps({"amount": str(amount)}), amount,
                            30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_charged",
                      json.dumps({"user": user, "amount": str(amount)}), 0, 40 * TGAS)


@call
def on_charged(user, amount):
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    status, raw = near.promise_result(0)
    if status == 1:
        charged = int(json.loads(raw))
        _credit(user, int(amount) - charged)  # BUG: unchecked; negative -> panic
    Storage.remove("_ns:lock:" + user)
    Storage.remove("_ns:op:" + user)


@view
def balance_of(account_id):
    return str(_bal(account_id))
