"""Quote first, then buy: the first hop only asks the price (it settles nothing), so inside
on_quote the predecessor is the contract itself, and the second hop's refund goes there
instead of to the buyer."""
import near

from near_safe import ACCOUNT, AMOUNT, call, callback, require, safe_call, state

SHOP = "shop.near"


@call(payable=True)
def buy_ticket():
    amount = near.attached_deposit()
    require(amount > 0, "attach the price")
    state.set("paid:" + near.predecessor_account_id(), str(amount))
    return safe_call(SHOP, "quote", then="on_quote",
                     then_args={"buyer": near.predecessor_account_id(), "amount": str(amount)})


@callback(args={"buyer": ACCOUNT, "amount": AMOUNT})
def on_quote(result, buyer, amount):
    if not result.ok:
        return None
    return safe_call(SHOP, "buy", {"for": buyer}, deposit=amount, then="on_bought",  # expect: NS116
                     refund=amount)


@callback
def on_bought(result):
    return result.ok
