"""bench/bench_promises.py: the flows of bench_safecall.py written with near-sdk-py's builders."""

import near

from near_safe import ACCOUNT, STR, CrossContract, call, callback

DONE = "done"


@call(payable=True, args={"callee": ACCOUNT})
def forward(callee):
    d, user = near.attached_deposit(), near.predecessor_account_id()
    return (CrossContract(callee).deposit(d).call("m", note="fwd")
            .settle(refund=d, credit=(DONE, user, 1), lock=user).then("on_result", label="fwd"))


@call(args={"callee": ACCOUNT})
def ask(callee):
    return (CrossContract(callee).call("m").settle(lock=near.predecessor_account_id())
            .then("on_result", label="ask"))


@callback(args={"label": STR})
def on_result(result, label):
    return result.succeeded
