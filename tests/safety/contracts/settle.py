"""Settlement against hostile counterparts (issue 10): a prepaid wallet (debit by ledger name,
lock), a shop paid from what the contract holds (refund with adjustment), a two-hop flow whose
callback chains a second safe_call, a contract-owned self-call helper (multicall), and views
that try to pay."""

import json

import near

import _rawnear  # noqa: F401  (raw promise arguments on either backend)

from near_safe import (
    ACCOUNT,
    AMOUNT,
    ANY,
    BOOL,
    ContractError,
    INT,
    STR,
    call,
    callback,
    claimable,
    operation,
    refund,
    require,
    safe_call,
    state,
    view,
)

WALLET = "wallet"


# --- a prepaid wallet: the user's NEAR held by this contract -----------------------------------


@call(payable=True)
def top_up():
    state.credit(WALLET, near.predecessor_account_id(), near.attached_deposit())


@call(args={"shop": ACCOUNT, "amount": AMOUNT})
def pay(shop, amount):
    """Pay a shop the user chose from the user's wallet: the NEAR leaves as the deposit."""
    user = near.predecessor_account_id()
    return safe_call(shop, "buy", {"item": "x"}, deposit=amount, then="on_paid",
                     debit=WALLET, lock=user)


@callback
def on_paid(result):
    return result.succeeded


@view(args={"account_id": ACCOUNT})
def wallet_of(account_id):
    return str(state.balance(WALLET, account_id))


@call(payable=True)
def underrefund():
    """refund= below the deposit: misuse (the protocol returns a failed deposit whole)."""
    return safe_call("hostile.near", "buy", {"item": "x"}, deposit=2 * 10**24,
                     then="on_paid", refund=10**24)


# --- pay what the shop charges out of an attached amount, give back the rest ----------------


@call(payable=True, args={"shop": ACCOUNT})
def buy_at_quote(shop):
    """The user attaches ``paid``; the shop quotes its price; the unused part goes back."""
    paid = near.attached_deposit()
    return safe_call(shop, "quote", then="on_quote", then_args={"paid": str(paid)},
                     refund=paid, lock=near.predecessor_account_id())


@callback(args={"paid": AMOUNT})
def on_quote(result, paid):
    op = operation()
    if op.ok:
        op.refund = paid - int(result.value)  # the docs' "unused part"; may be negative
    return [op.ok, str(op.refund)]


# --- two hops: the callback of the first chains the second ------------------------------------


@call(payable=True, args={"shop": ACCOUNT, "hop_gas": INT, "hop_lock": STR, "catch": BOOL})
def two_hops(shop, hop_gas, hop_lock, catch):
    """First hop: ask the shop for a quote (no deposit; the user's NEAR stays here, locked).
    Second hop, from the callback: pay the shop with the user's NEAR."""
    user = near.predecessor_account_id()
    paid = near.attached_deposit()
    return safe_call(shop, "quote", then="on_first",
                     then_args={"shop": shop, "paid": str(paid), "hop_lock": hop_lock,
                                "catch": catch},
                     refund=paid, lock=user, callback_gas=hop_gas * 10**12)


@callback(args={"shop": ACCOUNT, "paid": AMOUNT, "hop_lock": STR, "catch": BOOL})
def on_first(result, shop, paid, hop_lock, catch):
    op = operation()
    if not op.ok:
        return False
    state.set("hop", "started")  # dropped if the body raises
    if not catch:
        return safe_call(shop, "buy", {"item": "x"}, deposit=paid, then="on_second",
                         refund=paid, lock=hop_lock or None)
    try:
        return safe_call(shop, "buy", {"item": "x"}, deposit=paid, then="on_second",
                         refund=paid, lock=hop_lock or None)
    except ContractError as e:
        op.set_ok(False)  # the second hop never left: give the user back what we hold
        return str(e)


@callback
def on_second(result):
    return result.succeeded


@call(args={"key": STR})
def hold_lock(key):
    """Take a lock as an operation in flight would (test set-up)."""
    state.write("_ns:lock:" + key, "1")


# --- a multicall helper: the contract chains calls to itself for the caller ----------------


@call(args={"first": STR, "then": STR, "args": ANY})
def multicall(first, then, args):
    """Runs this contract's ``first`` and then its ``then`` with the caller's arguments (a
    batch helper of the kind DAOs and wallets have)."""
    me = near.current_account_id()
    p = near.promise_create(me, first, "{}", 0, 5 * 10**12)
    c = near.promise_then(p, me, then, json.dumps(args), 0, 30 * 10**12)
    near.promise_return(c)


@call
def noop():
    require(False, "noop fails")


# --- views that try to pay ------------------------------------------------------------------


@view(args={"account_id": ACCOUNT})
def view_that_refunds(account_id):
    return refund(account_id, 10**24)


@view(args={"shop": ACCOUNT})
def view_that_calls(shop):
    return safe_call(shop, "quote", then="on_second")


@view(args={"account_id": ACCOUNT})
def claimable_of(account_id):
    return str(claimable(account_id))
