"""A contract that stakes its own balance, as a staking pool does (tests/runtime/test_validators.py):
its owner stakes or unstakes with the key that signed the call (promise_batch_action_stake on the
contract's own account, through near_safe's PromiseBatch), and a view reports what the chain
says of it: its stake in the current validator set, the set's total, the epoch height and its
locked balance."""

import near

from near_safe import AMOUNT, Promise, call, require, view


@call(args={"amount": AMOUNT})
def stake(amount):
    me = near.current_account_id()
    require(near.predecessor_account_id() == "owner.near", "only the owner stakes")
    return Promise.create_batch(me).stake(amount, near.signer_account_pk()).value()


@view
def chain():
    me = near.current_account_id()
    return [str(near.validator_stake(me)), str(near.validator_total_stake()),
            near.epoch_height(), str(near.account_locked_balance())]
