"""Bench contract, hand-written against the bare `near` module (no near-sdk-py, no near_safe):
the same safe flow as bench_safe.py and bench_hand.py, with the least code that does it.  The
floor the two others are compared with."""

import json

import near

TGAS = 10**12


def _balance(key):
    raw = near.storage_read(key)
    return 0 if raw is None else int(raw)


def _args():
    raw = near.input()
    return json.loads(raw) if raw else {}


def _private_callback():
    if (near.predecessor_account_id() != near.current_account_id()
            or near.promise_results_count() == 0):
        near.panic_utf8("private callback")
    return near.promise_result(0)[0] == 1


def _ret(value):
    near.value_return(json.dumps(value))


def _begin(user, min_gas):
    if near.prepaid_gas() < near.used_gas() + min_gas:
        near.panic_utf8("not enough gas")
    if near.storage_has_key("lock:" + user):
        near.panic_utf8("Locked: " + user)
    near.storage_write("lock:" + user, "1")


def _call_then(receiver, method, args, deposit, callback_name, cb_args, refund_to=None):
    p = near.promise_batch_create(receiver)
    near.promise_batch_action_function_call_weight(p, method, args, deposit, 10 * TGAS, 1)
    if refund_to is not None:  # a failed call's deposit goes back to the user by the protocol
        near.promise_set_refund_to(p, refund_to)
    c = near.promise_batch_then(p, near.current_account_id())
    near.promise_batch_action_function_call_weight(c, callback_name, json.dumps(cb_args), 0,
                                                   10 * TGAS, 0)
    near.promise_return(c)


class Vault:
    @near.export
    def new(self):
        a = _args()
        if near.storage_has_key("init"):
            near.panic_utf8("already initialized")
        near.storage_write("init", "1")
        near.storage_write("cfg", json.dumps([a["staking"], a["token"]]))

    @near.export
    def deposit_and_stake(self):
        user = near.predecessor_account_id()
        amount = near.attached_deposit()
        _begin(user, 25 * TGAS)
        _call_then(json.loads(near.storage_read("cfg"))[0], "deposit_and_stake", "{}", amount,
                   "on_staked", {"user": user, "amount": str(amount)}, user)

    @near.export
    def on_staked(self):
        ok = _private_callback()
        a = _args()
        user = a["user"]
        near.storage_remove("lock:" + user)
        amount = int(a["amount"])
        if ok:  # on failure the deposit went back to the user by the protocol (refund_to)
            near.storage_write("staked:" + user, str(_balance("staked:" + user) + amount))
        _ret(ok)

    @near.export
    def withdraw_tokens(self):
        if near.attached_deposit():
            near.panic_utf8("no deposit")
        user = near.predecessor_account_id()
        amount = int(_args()["amount"])
        _begin(user, 25 * TGAS)
        have = _balance("tokens:" + user)
        if have < amount:
            near.panic_utf8("Not enough balance")
        near.storage_write("tokens:" + user, str(have - amount))
        _call_then(json.loads(near.storage_read("cfg"))[1], "ft_transfer",
                   json.dumps({"receiver_id": user, "amount": str(amount)}), 1,
                   "on_tokens_sent", {"user": user, "amount": str(amount)})

    @near.export
    def on_tokens_sent(self):
        ok = _private_callback()
        a = _args()
        near.storage_remove("lock:" + a["user"])
        if not ok:
            key = "tokens:" + a["user"]
            near.storage_write(key, str(_balance(key) + int(a["amount"])))
        _ret(ok)

    @near.export
    def credit_tokens(self):
        if near.predecessor_account_id() != near.current_account_id():
            near.panic_utf8("private")
        a = _args()
        key = "tokens:" + a["account_id"]
        near.storage_write(key, str(_balance(key) + int(a["amount"])))

    @near.export
    def staked_of(self):
        _ret(str(_balance("staked:" + _args()["account_id"])))

    @near.export
    def tokens_of(self):
        _ret(str(_balance("tokens:" + _args()["account_id"])))
