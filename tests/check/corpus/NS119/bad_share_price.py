"""A liquid-staking vault pricing its shares from its own NEAR balance. While invest()'s
deposit is on its way to the pool, the balance is 50 NEAR short and a deposit made in that
window gets far too many shares."""
import near

from near_safe import AMOUNT, call, callback, require, safe_call, state

POOL = "pool.near"
SHARES = "shares"


@call(payable=True)
def deposit():
    amount = near.attached_deposit()
    require(amount > 0, "attach a deposit")
    total = state.get("total_shares", 0)
    assets = near.account_balance() - amount
    shares = amount if total == 0 else amount * total // assets  # expect: NS119
    state.credit(SHARES, near.predecessor_account_id(), shares)
    state.set("total_shares", total + shares)


@call(one_yocto=True, args={"amount": AMOUNT})
def invest(amount):
    require(near.predecessor_account_id() == state.get("owner"), "owner only")
    return safe_call(POOL, "deposit_and_stake", deposit=amount, then="on_invested",
                     refund=amount)


@callback
def on_invested(result):
    return result.ok
