"""SAFE: the same vault written with near_safe.  The deposit is credited only in the callback,
after the pool accepted it (deferred crediting); when the pool fails, near_safe refunds the
exact deposit to the original caller.  In between, nothing is spendable."""

import near

from near_safe import (
    ACCOUNT,
    AMOUNT,
    call,
    callback,
    init,
    require,
    safe_call,
    state,
    view,
)

STAKED = "staked"  # ledger: NEAR the pool accepted, per user


@init(private=True, args={"pool": ACCOUNT})
def new(pool):
    state.set("pool", pool)


@call(payable=True)
def deposit_and_stake():
    amount = near.attached_deposit()
    require(amount > 0, "Attach the NEAR to stake")
    return safe_call(state.get("pool"), "deposit_and_stake", deposit=amount,
                     then="on_staked", credit=STAKED, refund=amount)


@callback
def on_staked(result):
    return result.ok  # near_safe has already credited (success) or refunded (failure)


@call(args={"amount": AMOUNT})
def withdraw(amount):
    user = near.predecessor_account_id()
    state.debit(STAKED, user, amount)  # "Not enough balance in staked for <user>"
    near.promise_batch_action_transfer(near.promise_batch_create(user), amount)


@view(args={"account_id": ACCOUNT})
def staked_of(account_id):
    return str(state.balance(STAKED, account_id))
