"""A market that forwards the buyer's payment to a seller's contract the buyer names.

``refund=price`` with ``deposit=price``: if the seller's receipt fails, NEAR itself returns the
payment straight to the buyer (near_safe sets the promise's refund_to), never to this market.
The market never pays a "refund" out of its own balance: its callback cannot tell a failed sale
from a seller that kept the payment and answered with a failing promise (hostile_seller.py)."""

import near

from near_safe import (
    ACCOUNT,
    STR,
    call,
    callback,
    operation,
    require,
    safe_call,
    state,
    view,
)


@call(payable=True, args={"seller": ACCOUNT, "item": STR})
def buy(seller, item):
    price = near.attached_deposit()
    require(price > 0, "Attach the item's price")
    return safe_call(seller, "sell", {"item": item, "buyer": near.predecessor_account_id()},
                     deposit=price, then="on_sold", then_args={"item": item}, refund=price)


@callback(args={"item": STR})
def on_sold(result, item):
    if result.succeeded:  # record the sale; a failed sale's payment went back to the buyer
        state.credit("purchases", operation().caller, 1)
    return {"item": item, "sold": result.succeeded}


@view(args={"account_id": ACCOUNT})
def purchases_of(account_id):
    return state.balance("purchases", account_id)
