"""A vault on near_safe with one raw call left over from before the port."""
import near

from near_safe import (ACCOUNT, AMOUNT, ContractError, assert_unlocked, call, callback, claim,
                       init, safe_call, state, view)


@init(args={"pool": ACCOUNT, "token": ACCOUNT})
def new(pool, token):
    state.set("cfg", [pool, token])


@call(payable=True)
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    return safe_call(state.get("cfg")[0], "deposit_and_stake", deposit=amount,
                     then="on_staked", refund=amount, credit="staked", lock=user)


@callback
def on_staked(result):
    if not result.ok:
        raise ContractError("staking failed")
    return True


@call(args={"amount": AMOUNT})
def withdraw(amount):
    user = near.predecessor_account_id()
    assert_unlocked(user)
    state.debit("staked", user, amount)
    p = near.promise_batch_create(user)
    near.promise_batch_action_transfer(p, amount)


@call(payable=True)
def donate_to_pool():
    near.promise_create(state.get("cfg")[0], "donate", "{}",  # expect: NS102
                        near.attached_deposit(), 20 * 10**12)


@call
def claim_refund():
    return claim()


@view(args={"account_id": ACCOUNT})
def staked_of(account_id):
    return str(state.balance("staked", account_id))
