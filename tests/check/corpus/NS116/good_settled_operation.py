"""The first hop locks the buyer, so on_quote settles an operation: inside it safe_call's
caller defaults to that operation's caller (the buyer), not to the contract."""
import near

from near_safe import call, callback, operation, require, safe_call

SHOP = "shop.near"


@call(payable=True)
def buy_ticket():
    amount = near.attached_deposit()
    require(amount > 0, "attach the price")
    user = near.predecessor_account_id()
    return safe_call(SHOP, "quote", then="on_quote", lock=user)


@callback
def on_quote(result):
    if not result.ok:
        return None
    return safe_call(SHOP, "buy", {"for": operation().caller}, deposit=10**24,
                     then="on_bought", refund=10**24)


@callback
def on_bought(result):
    return result.ok
