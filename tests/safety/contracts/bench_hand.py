"""Bench contract, hand-written in plain near-sdk-py 1.0.0: the same safe flow as
bench_safe.py (lock per user, gas check, caller and amount carried in the callback args,
credit only after success, a failed deposit returned to the user by the protocol, debit with rollback), without near_safe."""

import json

import near
from near_sdk_py import Context, Storage, call, init, view
from near_sdk_py.promises import callback

TGAS = 10**12


def _balance(key):
    raw = Storage.get(key)
    return 0 if raw is None else int(raw)


def _begin(user, min_gas):
    if near.prepaid_gas() < near.used_gas() + min_gas:
        near.panic_utf8("not enough gas")
    if Storage.has("lock:" + user):
        near.panic_utf8("Locked: " + user)
    Storage.set("lock:" + user, "1")


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
    @init
    def new(self, staking, token):
        if Storage.has("init"):
            near.panic_utf8("already initialized")
        Storage.set("init", "1")
        Storage.set_json("cfg", [staking, token])

    @call
    def deposit_and_stake(self):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        _begin(user, 25 * TGAS)
        _call_then(Storage.get_json("cfg")[0], "deposit_and_stake", "{}", amount, "on_staked",
                   {"user": user, "amount": str(amount)}, user)

    @callback
    def on_staked(self, result, user, amount):
        Storage.remove("lock:" + user)
        amount = int(amount)
        if result.success:
            Storage.set("staked:" + user, str(_balance("staked:" + user) + amount))
            return True
        return False  # the deposit went back to the user by the protocol (refund_to)

    @call
    def withdraw_tokens(self, amount):
        if Context.attached_deposit():
            near.panic_utf8("no deposit")
        user = Context.predecessor_account_id()
        amount = int(amount)
        _begin(user, 25 * TGAS)
        have = _balance("tokens:" + user)
        if have < amount:
            near.panic_utf8("Not enough balance")
        Storage.set("tokens:" + user, str(have - amount))
        _call_then(Storage.get_json("cfg")[1], "ft_transfer",
                   json.dumps({"receiver_id": user, "amount": str(amount)}), 1,
                   "on_tokens_sent", {"user": user, "amount": str(amount)})

    @callback
    def on_tokens_sent(self, result, user, amount):
        Storage.remove("lock:" + user)
        if not result.success:
            Storage.set("tokens:" + user, str(_balance("tokens:" + user) + int(amount)))
        return result.success

    @call
    def credit_tokens(self, account_id, amount):
        if Context.predecessor_account_id() != Context.current_account_id():
            near.panic_utf8("private")
        Storage.set("tokens:" + account_id, str(_balance("tokens:" + account_id) + int(amount)))

    @view
    def staked_of(self, account_id):
        return str(_balance("staked:" + account_id))

    @view
    def tokens_of(self, account_id):
        return str(_balance("tokens:" + account_id))
