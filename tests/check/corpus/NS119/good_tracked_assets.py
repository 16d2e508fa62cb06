"""The vault keeps its assets in its own accounting: liquid NEAR and what is staked or in
flight are stored totals, moved when invest() sends the deposit, so the share price does
not jump while the call is in flight."""
import near

from near_safe import AMOUNT, call, callback, require, safe_call, state

POOL = "pool.near"
SHARES = "shares"


@call(payable=True)
def deposit():
    amount = near.attached_deposit()
    require(amount > 0, "attach a deposit")
    total = state.get("total_shares", 0)
    assets = int(state.get("assets", "0"))
    shares = amount if total == 0 else amount * total // assets
    state.credit(SHARES, near.predecessor_account_id(), shares)
    state.set("total_shares", total + shares)
    state.set("assets", str(assets + amount))


@call(one_yocto=True, args={"amount": AMOUNT})
def invest(amount):
    require(near.predecessor_account_id() == state.get("owner"), "owner only")
    return safe_call(POOL, "deposit_and_stake", deposit=amount, then="on_invested",
                     refund=amount)


@callback
def on_invested(result):
    return result.ok


@call
def report_balance():
    state.set("last_balance", str(near.account_balance()))
