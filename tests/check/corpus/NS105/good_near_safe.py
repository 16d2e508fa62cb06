"""near_safe's automatic refund."""
import near

from near_safe import STR, call, callback, safe_call


@call(payable=True, args={"item_id": STR})
def purchase(item_id):
    price = near.attached_deposit()
    return safe_call("seller.near", "sell", {"item_id": item_id}, deposit=price,
                     then="on_sold", refund=price)


@callback
def on_sold(result):
    return result.ok
