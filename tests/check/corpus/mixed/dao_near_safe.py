"""A small DAO on near_safe: a council votes on proposals; an approved proposal is executed by
the DAO itself (a call to one of its own methods, or a payout from the treasury). Markers were
written before the checker was run on this file."""
import near

from near_safe import (
    ACCOUNT,
    AMOUNT,
    DICT,
    INT,
    LIST,
    STR,
    call,
    callback,
    init,
    refund,
    require,
    safe_call,
    state,
    view,
)


@init(args={"council": LIST, "treasurer": ACCOUNT})
def new(council, treasurer):  # expect: NS117
    state.set("council", council)
    state.set("treasurer", treasurer)
    state.set("next_id", 0)


def _member():
    require(near.predecessor_account_id() in state.get("council"), "council only")


@call(one_yocto=True, args={"method": STR, "args": DICT})
def add_proposal(method, args):
    _member()
    n = state.get("next_id")
    state.set("proposal:" + str(n), {"method": method, "args": args, "votes": []})
    state.set("next_id", n + 1)
    return n


@call(one_yocto=True, args={"id": INT})
def vote(id):
    _member()
    p = state.get("proposal:" + str(id))
    require(p is not None, "no such proposal")
    voter = near.predecessor_account_id()
    if voter not in p["votes"]:
        p["votes"].append(voter)
    state.set("proposal:" + str(id), p)


@call(one_yocto=True, args={"id": INT})
def act(id):
    _member()
    p = state.get("proposal:" + str(id))
    require(len(p["votes"]) * 2 > len(state.get("council")), "not approved")
    state.remove("proposal:" + str(id))
    return safe_call(near.current_account_id(), p["method"], p["args"],  # expect: NS115
                     then="on_acted")


@callback
def on_acted(result):
    state.set("last_act", result.succeeded)


@call(private=True, args={"receiver_id": ACCOUNT, "amount": AMOUNT})
def pay(receiver_id, amount):
    return refund(receiver_id, amount)


@view
def proposals():
    return state.get("next_id")
