"""VULNERABLE (issue 10, finding 2): settlement trusts the operation record carried in the
callback's arguments (near_safe's old design, written by hand): the callback checks only that
an in-flight record with that number exists.  ``multicall`` makes the contract call itself with
methods and arguments the caller chooses, so an attacker settles another user's operation with
its own account and amount: it is credited, and the victim's real callback fails."""

import json

import near
from near_sdk_py import Storage, call, init, view

TGAS = 1000000000000


@init
def new(pool):
    Storage.set("pool", pool)


def _bal(user):
    return int(Storage.get_string("staked:" + user) or "0")


@call
def stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    if amount == 0:
        near.panic_utf8("attach the NEAR to stake")
    n = int(Storage.get_string("_ns:seq") or "0") + 1
    Storage.set("_ns:seq", str(n))
    record = {"o": n, "u": user, "c": ["staked", user, str(amount)]}
    Storage.set("_ns:op:" + str(n), json.dumps(record))
    p = near.promise_create(Storage.get_string("pool"), "deposit_and_stake", "{}", amount,
                            30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_staked", json.dumps({"_ns": record}), 0,
                      30 * TGAS)


@call
def on_staked(_ns):
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    if near.storage_remove("_ns:op:" + str(_ns["o"])) is None:
        near.panic_utf8("unknown operation " + str(_ns["o"]))
    ok = True
    for i in range(near.promise_results_count()):
        if near.promise_result(i)[0] != 1:
            ok = False
    c = _ns["c"]
    if ok:  # BUG: account and amount come from the arguments, not from the stored record
        Storage.set("staked:" + c[1], str(_bal(c[1]) + int(c[2])))
    else:
        p = near.promise_batch_create(_ns["u"])
        near.promise_batch_action_transfer(p, int(c[2]))


@call
def multicall(calls):
    """Run several of this contract's own methods in one transaction."""
    for c in calls:
        near.promise_create(near.current_account_id(), c["method"], json.dumps(c["args"]), 0,
                            20 * TGAS)


@call
def touch():
    Storage.set("touched", "1")


@view
def staked_of(account_id):
    return str(_bal(account_id))
