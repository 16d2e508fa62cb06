"""A counterpart for the promise-builder tests.  Every method answers as its owner set it
(``set_mode``):

  ok        the JSON string "ok"
  fail      accept the call - its receipt succeeds, so it keeps the attached NEAR - and return
            a promise that fails: the caller's callback sees a failure
  panic     fail the receipt itself (the protocol returns the attached NEAR)
  raw:TEXT  TEXT as raw UTF-8, not JSON (what a near-sdk-py method returning a str sends)
  json:TXT  TXT as it is (any JSON text)
  big:N     N bytes of "a" (not JSON)
"""

import near

from near_safe import ANY, STR, call, optional, require, state, view


def _answer(name):
    calls = state.get("calls", [])
    calls.append(name)
    state.set("calls", calls)
    mode = near.storage_read("mode") or b"ok"
    if mode == b"fail":
        p = near.promise_create(near.current_account_id(), "no_such_method", "{}", 0,
                                2 * 10**12)
        near.promise_return(p)
        return None
    require(mode != b"panic", "the callee refuses")
    if mode[:4] == b"raw:":
        return mode[4:]
    if mode[:5] == b"json:":
        return mode[5:]
    if mode[:4] == b"big:":
        return b"a" * int(mode[4:])
    return "ok"


@call(args={"mode": STR})
def set_mode(mode):
    near.storage_write("mode", mode)


@call(payable=True, args={"note": optional(ANY)})
def m(note=None):
    return _answer("m")


@call
def a():
    return _answer("a")


@call
def b():
    return _answer("b")


@view
def calls():
    return state.get("calls", [])
