"""VULNERABLE (issue 10, finding 6b): shares are priced from the contract's own balance while
its own investment is in flight.  ``invest`` sends 20 NEAR of the fund to the pool; until its
callback records them, the fund looks 20 NEAR poorer, so a deposit made in that window gets too
many shares, which ``withdraw`` later pays out at the full value."""

import near
from near_sdk_py import Storage, call, init, view

TGAS = 1000000000000
NEAR = 1000000000000000000000000
INVEST = 20 * NEAR


@init
def new(pool):
    Storage.set("pool", pool)
    Storage.set("total", str(near.account_balance()))  # the fund's own shares, 1 per yocto


def _get(key):
    return int(Storage.get_string(key) or "0")


def _value():
    return near.account_balance() + _get("invested")  # BUG: blind to NEAR in flight


@call
def deposit():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    if amount == 0:
        near.panic_utf8("attach NEAR")
    before = _value() - amount
    shares = amount * _get("total") // before
    Storage.set("shares:" + user, str(_get("shares:" + user) + shares))
    Storage.set("total", str(_get("total") + shares))


@call
def withdraw():
    user = near.predecessor_account_id()
    shares = _get("shares:" + user)
    if shares == 0:
        near.panic_utf8("no shares")
    amount = shares * _value() // _get("total")
    Storage.remove("shares:" + user)
    Storage.set("total", str(_get("total") - shares))
    p = near.promise_batch_create(user)
    near.promise_batch_action_transfer(p, amount)


@call
def invest():
    if near.storage_has_key("investing"):
        near.panic_utf8("already investing")
    Storage.set("investing", "1")
    p = near.promise_create(Storage.get_string("pool"), "deposit_and_stake", "{}", INVEST,
                            30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_invested", "{}", 0, 20 * TGAS)


@call
def on_invested():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    Storage.remove("investing")
    if near.promise_result(0)[0] == 1:
        Storage.set("invested", str(_get("invested") + INVEST))


@view
def shares_of(account_id):
    return str(_get("shares:" + account_id))
