"""A seller's shop: sells items for an exact price while they are in stock.  The sale fails
(and NEAR sends the attached NEAR back to the caller, the market) when the item is unknown, out
of stock, or the price is wrong."""

import near

from near_safe import ACCOUNT, AMOUNT, INT, STR, call, require, state, view


@call(private=True, args={"item": STR, "price": AMOUNT, "stock": INT})
def add_item(item, price, stock):
    state.set("item:" + item, [str(price), stock])


@call(payable=True, args={"item": STR, "buyer": ACCOUNT})
def sell(item, buyer):
    entry = state.get("item:" + item)
    require(entry is not None, "no such item: " + item)
    price, stock = int(entry[0]), entry[1]
    require(stock > 0, "out of stock: " + item)
    require(near.attached_deposit() == price, "the price of " + item + " is " + entry[0])
    state.set("item:" + item, [entry[0], stock - 1])
    state.credit("owned:" + item, buyer, 1)
    return {"item": item, "buyer": buyer}


@view(args={"item": STR})
def stock_of(item):
    entry = state.get("item:" + item)
    return 0 if entry is None else entry[1]


@view(args={"item": STR, "account_id": ACCOUNT})
def owned(item, account_id):
    return state.balance("owned:" + item, account_id)
