"""The escrow written with near_safe: refund= sets promise_set_refund_to, so a failed seller
receipt returns the price to the buyer through the protocol and near_safe pays nothing from
the market's balance; the callback only records the sale."""
import near

from near_safe import ACCOUNT, STR, call, callback, operation, require, safe_call, state


@call(payable=True, args={"seller": ACCOUNT, "item": STR})
def buy(seller, item):
    price = near.attached_deposit()
    require(price > 0, "attach the price")
    return safe_call(seller, "sell", {"item": item}, deposit=price, then="on_sold",
                     then_args={"item": item}, refund=price)


@callback(args={"item": STR})
def on_sold(result, item):
    if result.succeeded:
        state.credit("purchases", operation().caller, 1)
    return {"item": item, "sold": result.succeeded}
