"""near_safe's promise builders with deferred credit: settle(credit=) credits the stake in the
callback, after the pool accepted it; a join and Promise.all settle once over all results."""
import near

from near_safe import (
    ACCOUNT,
    CrossContract,
    Promise,
    call,
    callback,
    multi_callback,
    state,
    view,
)


@call(payable=True)
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    return (CrossContract("pool.near").deposit(amount).call("deposit_and_stake")
            .settle(refund=amount, credit="staked", lock=user).then("on_staked"))


@call(payable=True)
def stake_both():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    half = amount // 2
    return (CrossContract("a.pool.near").deposit(half).call("deposit_and_stake")
            .settle(refund=amount, credit="staked", lock=user)
            .join([CrossContract("b.pool.near").deposit(amount - half)
                   .call("deposit_and_stake")], "on_both"))


@call(payable=True)
def stake_all():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    half = amount // 2
    return (Promise.all([CrossContract("a.pool.near").deposit(half).call("deposit_and_stake"),
                         CrossContract("b.pool.near").deposit(amount - half)
                         .call("deposit_and_stake")])
            .settle(refund=amount, credit="staked", lock=user).then("on_both"))


@callback
def on_staked(result):
    return result.ok


@multi_callback
def on_both(results):
    return all(r.ok for r in results)


@view(args={"account_id": ACCOUNT})
def staked_of(account_id):
    return str(state.balance("staked", account_id))
