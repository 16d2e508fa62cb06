"""tests/promises/test_builders_on_demand.py: a safe_call contract that reports the near_safe
modules each call loaded (in the Wasm each call starts a fresh instance)."""

import sys

import near

from near_safe import ACCOUNT, STR, call, callback, safe_call


def _log_loaded():
    near.log_utf8("loaded " + ",".join(sorted(k for k in sys.modules
                                              if k.startswith("near_safe"))))


@call(args={"callee": ACCOUNT})
def ask(callee):
    p = safe_call(callee, "m", then="on_result", then_args={"label": "ask"},
                  lock=near.predecessor_account_id())
    _log_loaded()
    return p


@callback(args={"label": STR})
def on_result(result, label):
    _log_loaded()
    return result.succeeded
