"""A small lending pool against the raw `near` module, with module-level helpers."""
import json

import near

TGAS = 10**12
ORACLE_GAS = 15 * TGAS
PRICE_CALLBACK_GAS = 15 * TGAS


def _args():
    raw = near.input(0)
    return json.loads(raw) if raw else {}


def _get_int(key):
    raw = near.storage_read(key)
    return int(raw) if raw else 0


def _put_int(key, value):
    near.storage_write(key, str(value))


def _assert_self():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private")


@near.export
def new():
    if near.storage_has_key("owner"):
        near.panic_utf8("already initialized")
    near.storage_write("owner", _args()["owner_id"])


@near.export
def supply():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    _put_int("supplied:" + user, _get_int("supplied:" + user) + amount)
    _put_int("liquidity", _get_int("liquidity") + amount)


@near.export
def borrow():
    if near.attached_deposit() != 0:
        near.panic_utf8("no deposit")
    user = near.predecessor_account_id()
    amount = int(_args()["amount"])
    liquidity = _get_int("liquidity")
    if amount > liquidity:
        near.panic_utf8("not enough liquidity")
    _put_int("liquidity", liquidity - amount)
    _put_int("debt:" + user, _get_int("debt:" + user) + amount)
    p = near.promise_batch_create(user)
    near.promise_batch_action_transfer(p, amount)


@near.export
def liquidate():
    if near.attached_deposit() != 0:
        near.panic_utf8("no deposit")
    account = _args()["account_id"]
    p = near.promise_create(near.storage_read("oracle").decode(), "get_price", "{}", 0,
                            ORACLE_GAS)
    near.promise_then(p, near.current_account_id(), "on_price",
                      json.dumps({"account_id": account}), 0, PRICE_CALLBACK_GAS)


@near.export
def on_price():
    _assert_self()
    status, data = near.promise_result(0)
    if status != 1:
        near.log_utf8("oracle failed")
        return
    price = json.loads(data)
    account = _args()["account_id"]
    if _get_int("debt:" + account) * price > _get_int("supplied:" + account):
        near.storage_write("liquidatable:" + account, "1")


@near.export
def set_oracle():  # expect: NS107, NS112
    owner = near.storage_read("owner").decode()
    assert near.predecessor_account_id() == owner, "owner only"
    near.storage_write("oracle", _args()["oracle_id"])


@near.export
def get_debt():
    account = _args()["account_id"]
    near.value_return(json.dumps({"debt": _get_int("debt:" + account)}))  # expect: NS113
