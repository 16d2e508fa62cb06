"""A market that forwards the buyer's payment to a seller's contract.  If the seller's side
fails, NEAR returns the payment to this market - not to the buyer; near_safe's ``refund=``
sends it on to the buyer."""

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
    if result.succeeded:  # near_safe refunds the buyer on failure; record the sale on success
        state.credit("purchases", operation().caller, 1)
    return {"item": item, "sold": result.succeeded}


@view(args={"account_id": ACCOUNT})
def purchases_of(account_id):
    return state.balance("purchases", account_id)
