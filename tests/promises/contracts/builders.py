"""near-sdk-py's promise builders in a near_safe contract (tests/promises): a wallet whose
users top up, withdraw by batch transfer, forward deposits to callees, split a deposit over a
join, and ask callees for answers - each flow settled by near_safe."""

import near

from near_safe import (
    ACCOUNT,
    AMOUNT,
    STR,
    TGAS,
    CrossContract,
    Promise,
    call,
    callback,
    multi_callback,
    state,
    view,
)

BAL = "bal"
DONE = "done"


def _user():
    return near.predecessor_account_id()


@call(payable=True)
def top_up():
    state.credit(BAL, _user(), near.attached_deposit())


@view(args={"account_id": ACCOUNT})
def balance_of(account_id):
    return str(state.balance(BAL, account_id))


@view(args={"account_id": ACCOUNT})
def done_of(account_id):
    return str(state.balance(DONE, account_id))


# --- a batch transfer: the user's balance debited when it leaves, restored if it fails --------


@call(args={"to": ACCOUNT, "amount": AMOUNT})
def withdraw(to, amount):
    user = _user()
    return (Promise.create_batch(to).transfer(amount)
            .settle(debit=(BAL, user, amount), lock=user).then("on_withdraw"))


@callback
def on_withdraw(result):
    return result.success


@call(args={"to": ACCOUNT, "amount": AMOUNT})
def withdraw_unlocked(to, amount):
    """The same without a lock: the debit before the transfer leaves is what protects."""
    return (Promise.create_batch(to).transfer(amount)
            .settle(debit=(BAL, _user(), amount)).then("on_withdraw"))


@call(args={"to": ACCOUNT, "amount": AMOUNT})
def withdraw_bare(to, amount):
    """near-sdk-py's form: debit, then a transfer statement nobody settles."""
    state.debit(BAL, _user(), amount)
    Promise.create_batch(to).transfer(amount)


@call(args={"to": ACCOUNT, "amount": AMOUNT})
def withdraw_value(to, amount):
    """near-sdk-py's form with .value(): the transfer would leave with no settlement."""
    state.debit(BAL, _user(), amount)
    return Promise.create_batch(to).transfer(amount).value()


@call(args={"to": ACCOUNT, "amount": AMOUNT})
def withdraw_sdk_then(to, amount):
    """near-sdk-py's way to chain a callback after a batch: then(this account)."""
    user = _user()
    return (Promise.create_batch(to).transfer(amount).settle(debit=(BAL, user, amount))
            .then(near.current_account_id()).function_call("on_withdraw", None, 0, 8 * TGAS))


# --- a deposit forwarded: the caller's money, back by the protocol if the call fails --------


@call(payable=True, args={"callee": ACCOUNT})
def forward(callee):
    d, user = near.attached_deposit(), _user()
    return (CrossContract(callee).deposit(d).call("m", note="fwd")
            .settle(refund=d, credit=(DONE, user, 1), lock=user)
            .then("on_result", label="fwd").value())


@callback(args={"label": STR})
def on_result(result, label):
    data = result.data
    if type(data) is bytes:
        data = ["bytes", len(data), None]
    return {"label": label, "success": result.success, "status": result.status_code,
            "data": data, "ok": result.ok}


@call(payable=True, args={"callee": ACCOUNT})
def pay_and_call(callee):
    """A transfer plus a call in one batch (one receipt: both or neither)."""
    d, user = near.attached_deposit(), _user()
    return (Promise.create_batch(callee).transfer(d).function_call("m", {"note": "t"}, 0,
                                                                    10 * TGAS)
            .settle(refund=d, credit=(DONE, user, 1), lock=user)
            .then("on_result", label="batch"))


@call(args={"callee": ACCOUNT})
def two_calls(callee):
    """Several calls to one receiver in one batch."""
    return (CrossContract(callee).batch().function_call("a").function_call("b")
            .then("on_result", label="two"))


@call(args={"callee": ACCOUNT})
def ask(callee):
    """Ask for an answer; the lock shows the settlement commits whatever the answer is."""
    return (CrossContract(callee).call("m").settle(lock=_user())
            .then("on_result", label="ask"))


@call(args={"callee": ACCOUNT})
def ask_plain(callee):
    """No NEAR, nothing to settle: .value() sends it without a callback."""
    return CrossContract(callee).call("m").value()


# --- joins: one settlement over all results -------------------------------------------------


@call(payable=True, args={"a": ACCOUNT, "b": ACCOUNT})
def split(a, b):
    d, user = near.attached_deposit(), _user()
    half = d // 2
    p1 = CrossContract(a).deposit(half).call("m", note=1)
    p2 = CrossContract(b).deposit(d - half).call("m", note=2)
    return (p1.settle(refund=d, credit=(DONE, user, 1), lock=user)
            .join([p2], "on_split", label="split"))


@call(args={"a": ACCOUNT, "b": ACCOUNT, "amount": AMOUNT})
def split_all(a, b, amount):
    """Paid from the user's balance (debit by ledger name: each call's NEAR goes back to the
    user by the protocol if that call fails)."""
    d, user = amount, _user()
    half = d // 2
    p1 = CrossContract(a).deposit(half).call("m", note=1)
    p2 = CrossContract(b).deposit(d - half).call("m", note=2)
    return (Promise.all([p1, p2]).settle(debit=BAL, credit=(DONE, user, 1), lock=user)
            .then("on_split", label="all"))


@multi_callback(args={"label": STR})
def on_split(results, label):
    return {"label": label, "status": [r.status_code for r in results],
            "data": [r.data for r in results]}


@call(args={"a": ACCOUNT, "b": ACCOUNT, "amount": AMOUNT})
def split_debit_tuple(a, b, amount):
    """Refused: a tuple debit cannot be restored per call of a join."""
    user = _user()
    half = amount // 2
    p1 = Promise.create_batch(a).transfer(half)
    p2 = Promise.create_batch(b).transfer(amount - half)
    return p1.settle(debit=(BAL, user, amount)).join([p2], "on_split", label="t")


@call(args={"callee": ACCOUNT})
def then_not_a_callback(callee):
    return CrossContract(callee).call("m").then("top" + "_up")  # run time: the build refuses a literal


# --- a second hop from a callback body (sent only if the body returns) ----------------------


@call(args={"callee": ACCOUNT, "how": STR})
def chain(callee, how):
    # the callback makes a second call: it needs more than the default 10 Tgas
    return (CrossContract(callee).call("a").gas(40 * TGAS)
            .then("on_first", callee=callee, how=how))


@callback(args={"callee": ACCOUNT, "how": STR})
def on_first(result, callee, how):
    state.set("first", how)  # dropped if the body raises
    p = CrossContract(callee).call("b")
    if how == "unsent":
        return None  # a builder never ended: contained like a raising body
    p = p.then("on_result", label="second")
    if how == "raise":
        raise ValueError("boom")
    return p.value()


@view
def first():
    return state.get("first")


# --- account actions: a subaccount made with the caller's NEAR -----------------------------


@call(payable=True, args={"name": STR})
def make_subaccount(name):
    """near-sdk-py's account batch; the caller's NEAR comes back by the protocol if it fails."""
    d = near.attached_deposit()
    key = b"\x00" + bytes(range(32))  # an ed25519 public key (borsh)
    return (Promise.create_batch(name + "." + near.current_account_id()).create_account()
            .transfer(d).add_full_access_key(key).settle(refund=d).then("on_withdraw"))
