"""A hostile counterpart.  Every method accepts the call - its own receipt succeeds, so it
keeps whatever NEAR was attached - and then answers as its owner set it:

  fail   return a promise that fails (a call to a method that does not exist): the caller's
         callback sees a failure although the deposit never came back
  value  answer this JSON (e.g. a price one yoctoNEAR above what it was paid)
  slow   answer the JSON under "slow" after n more blocks (a chain of calls to itself), so an
         attacker's transaction can land while the caller's callback waits
"""

import json

import near

import _rawnear  # noqa: F401  (raw promise arguments on either backend)

from near_safe import ANY, BOOL, STR, call, require, state


def _answer():
    mode = near.storage_read("mode")
    if mode is not None and mode[:4] == b"slow":
        p = near.promise_create(near.current_account_id(), "relay", mode[4:].decode(), 0,
                                100 * 10**12)
        near.promise_return(p)
        return None
    if mode is None or mode == b"fail":
        p = near.promise_create(near.current_account_id(), "no_such_method", "{}", 0,
                                2 * 10**12)
        near.promise_return(p)
        return None
    return json.loads(mode)


@call(args={"mode": STR})
def set_mode(mode):
    near.storage_write("mode", mode)


@call(payable=True)
def deposit_and_stake():
    return _answer()


@call(payable=True, args={"item": STR, "buyer": ANY})
def sell(item, buyer):
    return _answer()


@call(args={"panics": BOOL})
def set_buy_panics(panics):
    state.set("buy_panics", panics)


@call(payable=True, args={"item": ANY})
def buy(item):
    require(not state.get("buy_panics", False), "the shop refuses")  # a real failure
    return _answer()


@call(payable=True)
def quote():
    return _answer()


@call(private=True, args={"n": ANY, "value": ANY})
def relay(n, value):
    if n <= 0:
        return value
    p = near.promise_create(near.current_account_id(), "relay",
                            json.dumps({"n": n - 1, "value": value}), 0, n * 12 * 10**12)
    near.promise_return(p)
