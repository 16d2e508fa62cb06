"""bench/bench_promises.py: flows written with safe_call (beside bench_builders.py)."""

import near

from near_safe import ACCOUNT, STR, call, callback, safe_call

DONE = "done"


@call(payable=True, args={"callee": ACCOUNT})
def forward(callee):
    d, user = near.attached_deposit(), near.predecessor_account_id()
    return safe_call(callee, "m", {"note": "fwd"}, deposit=d, then="on_result",
                     then_args={"label": "fwd"}, refund=d, credit=(DONE, user, 1), lock=user)


@call(args={"callee": ACCOUNT})
def ask(callee):
    return safe_call(callee, "m", then="on_result", then_args={"label": "ask"},
                     lock=near.predecessor_account_id())


@callback(args={"label": STR})
def on_result(result, label):
    return result.succeeded
