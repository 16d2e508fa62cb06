"""safe_call forwarding the deposit without refund=: near_safe cannot know what to send back."""
import near

from near_safe import STR, call, callback, safe_call


@call(payable=True, args={"item_id": STR})
def purchase(item_id):
    return safe_call("seller.near", "sell", {"item_id": item_id},  # expect: NS105
                     deposit=near.attached_deposit(), then="on_sold")


@callback
def on_sold(result):
    return result.ok
