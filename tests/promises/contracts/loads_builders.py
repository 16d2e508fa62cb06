"""tests/promises/test_builders_on_demand.py: the flow of loads_safecall.py written with
near-sdk-py's builders, reporting the near_safe modules each call loaded."""

import sys

import near

from near_safe import ACCOUNT, STR, CrossContract, Promise, call, callback


def _log_loaded():
    near.log_utf8("loaded " + ",".join(sorted(k for k in sys.modules
                                              if k.startswith("near_safe"))))


@call(args={"callee": ACCOUNT})
def ask(callee):
    p = (CrossContract(callee).call("m").settle(lock=near.predecessor_account_id())
         .then("on_result", label="ask"))
    _log_loaded()
    return p


@call(args={"callee": ACCOUNT})
def ask_batch(callee):
    p = Promise.create_batch(callee).function_call("m", {}).then("on_result", label="batch")
    _log_loaded()
    return p


@call()
def nothing():
    _log_loaded()


@callback(args={"label": STR})
def on_result(result, label):
    _log_loaded()
    return result.succeeded
