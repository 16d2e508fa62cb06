"""A raw promise_then callback exported with @call and no caller check."""
import near
from near_sdk_py import Context, Storage, call, view

TGAS = 10**12


@call
def ask_price(token):
    if Context.attached_deposit() != 0:
        near.panic_utf8("no deposit")
    p = near.promise_create("oracle.near", "get_price", '{"token": "%s"}' % token, 0, 20 * TGAS)
    q = near.promise_then(p, near.current_account_id(), "on_price", "{}", 0, 30 * TGAS)
    near.promise_return(q)


@call
def on_price():  # expect: NS101
    if Context.attached_deposit() != 0:
        near.panic_utf8("no deposit")
    status, data = near.promise_result(0)
    if status == 1:
        Storage.set("price", data)


@view
def price():
    return Storage.get_string("price")
