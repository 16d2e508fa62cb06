"""A join of two builder calls (one settlement over both) with the deposit credited by hand
before the joined calls leave."""
import near

from near_safe import CrossContract, call, multi_callback, state


@call(payable=True)
def stake_both():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    half = amount // 2
    state.credit("staked", user, amount)  # expect: NS103
    return (CrossContract("a.pool.near").deposit(half).call("deposit_and_stake")
            .settle(refund=amount, lock=user)
            .join([CrossContract("b.pool.near").deposit(amount - half)
                   .call("deposit_and_stake")], "on_both"))


@multi_callback
def on_both(results):
    return all(r.ok for r in results)
