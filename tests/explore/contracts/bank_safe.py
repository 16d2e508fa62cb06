"""The vault of bank_buggy.py written with near_safe: one ``safe_call`` carries the deposit to
the staking pool with deferred crediting, a refund on failure and a lock on the user; the
callback is a near_safe ``@callback`` (private, typed result, settlement even if its body
raises).  Each of the five buggy flows has this one safe counterpart."""

import near

from near_safe import (
    ACCOUNT,
    AMOUNT,
    assert_unlocked,
    call,
    callback,
    claim,
    claimable,
    init,
    require,
    safe_call,
    state,
    view,
)

STAKED = "staked"  # credited only after the pool accepted the deposit


@init(args={"pool": ACCOUNT})
def new(pool):
    state.set("pool", pool)


@call(payable=True)
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    require(amount > 0, "Attach the NEAR to stake")
    return safe_call(state.get("pool"), "deposit_and_stake", deposit=amount, then="on_staked",
                     refund=amount, credit=STAKED, lock=user)


@callback
def on_staked(result):
    return result.ok


@call(args={"amount": AMOUNT})
def withdraw(amount):
    user = near.predecessor_account_id()
    assert_unlocked(user)
    state.debit(STAKED, user, amount)
    p = near.promise_batch_create(user)
    near.promise_batch_action_transfer(p, amount)


@call
def claim_refund():
    return claim()


@view(args={"account_id": ACCOUNT})
def balance_of(account_id):
    return str(state.balance(STAKED, account_id))


@view(args={"account_id": ACCOUNT})
def claimable_of(account_id):
    return str(claimable(account_id))


def _open_ops():
    seq = near.storage_read("_ns:seq")
    last = 0 if seq is None else int(seq)
    return [n for n in range(1, last + 1) if near.storage_has_key("_ns:op:" + str(n))]


@view
def pending_ops():
    """Operations still in flight (near_safe keeps each under its own key until settled)."""
    return _open_ops()
