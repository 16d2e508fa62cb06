"""A vault whose callback chains a second hop the way near_safe's ``safe_call`` does: the
external call gets all the callback's unused gas (weight 1), so the callback leaves no gas
refund behind.  When that second hop fails out of gas (no refund either: it burnt all its gas
and carried no deposit), the next thing to run is the second callback's data, queued behind a
callback that is still travelling: the receipt order the explorer's old look-ahead crashed on
(issue 10, finding 8: KeyError in ``next_receipt``)."""

import near
from near_sdk_py import Storage, call, init, view

TGAS = 1000000000000


@init
def new(pool):
    Storage.set("pool", pool)


@call
def stake():
    p = near.promise_create(Storage.get_string("pool"), "deposit_and_stake", "{}",
                            near.attached_deposit(), 30 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_first", "{}", 0, 60 * TGAS)


@call
def on_first():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    p = near.promise_batch_create(Storage.get_string("pool"))
    near.promise_batch_action_function_call_weight(p, "deposit_and_stake", "{}", 0, 10 * TGAS, 1)
    c = near.promise_batch_then(p, near.current_account_id())
    near.promise_batch_action_function_call_weight(c, "on_second", "{}", 0, 10 * TGAS, 0)


@call
def on_second():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private method")
    Storage.set("hops", str(int(Storage.get_string("hops") or "0") + 1))


@view
def hops():
    return int(Storage.get_string("hops") or "0")
