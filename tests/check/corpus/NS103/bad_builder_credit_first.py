"""near_safe's promise builder (near-sdk-py's shape) with the stake credited by hand before the
chain leaves: the credit is withdrawable while the pool call is in flight."""
import near

from near_safe import CrossContract, call, callback, state


@call(payable=True)
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    state.credit("staked", user, amount)  # expect: NS103
    return (CrossContract("pool.near").deposit(amount).call("deposit_and_stake")
            .settle(refund=amount, lock=user).then("on_staked"))


@callback
def on_staked(result):
    return result.ok
