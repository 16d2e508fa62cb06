"""The explorer's vault (tests/explore/contracts/bank_safe.py) written with near-sdk-py's
builders: the stake goes out as ``CrossContract(pool).deposit(amount).call(...)`` settled by
near_safe (refund by the protocol, deferred credit, lock), the withdraw as
``Promise.create_batch(user).transfer(amount)`` settled by near_safe (debit when it leaves,
restored if the transfer fails)."""

import near

from near_safe import (
    ACCOUNT,
    AMOUNT,
    CrossContract,
    Promise,
    call,
    callback,
    claimable,
    init,
    require,
    state,
    view,
)

STAKED = "staked"


@init(private=True, args={"pool": ACCOUNT})
def new(pool):
    state.set("pool", pool)


@call(payable=True)
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    require(amount > 0, "Attach the NEAR to stake")
    return (CrossContract(state.get("pool")).deposit(amount).call("deposit_and_stake")
            .settle(refund=amount, credit=STAKED, lock=user).then("on_staked"))


@callback
def on_staked(result):
    return result.ok


@call(args={"amount": AMOUNT})
def withdraw(amount):
    user = near.predecessor_account_id()
    return (Promise.create_batch(user).transfer(amount)
            .settle(debit=(STAKED, user, amount), lock=user).then("on_withdrawn"))


@callback
def on_withdrawn(result):
    return result.success


@view(args={"account_id": ACCOUNT})
def balance_of(account_id):
    return str(state.balance(STAKED, account_id))


@view(args={"account_id": ACCOUNT})
def claimable_of(account_id):
    return str(claimable(account_id))


@view
def pending_ops():
    """Operations still in flight (near_safe keeps each under its own key until settled)."""
    seq = near.storage_read("_ns:seq")
    last = 0 if seq is None else int(seq)
    return [n for n in range(1, last + 1) if near.storage_has_key("_ns:op:" + str(n))]
