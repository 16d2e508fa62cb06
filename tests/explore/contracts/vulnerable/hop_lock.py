"""VULNERABLE (issue 10, finding 3): the callback chains a second hop guarded by a lock and
signals a held lock with a host panic, which aborts the whole callback: anyone's call holding
that lock in the same window (``poke``, no deposit needed) makes the settlement of another
user's stake fail, and its in-flight record and lock stay for ever."""

import json

import near
from near_sdk_py import Storage, call, init

TGAS = 1000000000000
RELAY = "_ns:lock:relay"


@init
def new(pool, shop):
    Storage.set("pool", pool)
    Storage.set("shop", shop)


def _relay():
    if near.storage_has_key(RELAY):
        near.panic_utf8("Locked: relay")  # BUG inside a callback: aborts the settlement
    Storage.set(RELAY, "1")
    p = near.promise_create(Storage.get_string("shop"), "ping", "{}", 0, 10 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_relayed", "{}", 0, 10 * TGAS)


@call
def stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    if near.storage_has_key("_ns:lock:" + user):
        near.panic_utf8("Locked: " + user)
    n = int(Storage.get_string("_ns:seq") or "0") + 1
    Storage.set("_ns:seq", str(n))
    Storage.set("_ns:lock:" + user, str(n))
    Storage.set("_ns:op:" + str(n), json.dumps({"u": user, "r": str(amount)}))
    p = near.promise_create(Storage.get_string("pool"), "deposit_and_stake", "{}", amount,
                            30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_staked",
                      json.dumps({"n": n, "user": user, "amount": str(amount)}), 0, 80 * TGAS)


@call
def on_staked(n, user, amount):
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    status, _ = near.promise_result(0)
    _relay()  # tell the shop (second hop) before settling
    Storage.remove("_ns:op:" + str(n))
    Storage.remove("_ns:lock:" + user)
    if status != 1:
        p = near.promise_batch_create(user)
        near.promise_batch_action_transfer(p, int(amount))


@call
def poke():
    _relay()


@call
def on_relayed():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    Storage.remove(RELAY)
