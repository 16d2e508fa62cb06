"""near_safe's @callback contains a raising body, but a host panic aborts the receipt: the
settlement (refund, rollback, unlock) is lost."""
import near

from near_safe import call, callback, safe_call, state


@call(payable=True)
def buy():
    amount = near.attached_deposit()
    return safe_call("seller.near", "sell", deposit=amount, then="on_sold", refund=amount)


@callback
def on_sold(result):
    if not result.ok:
        near.panic_utf8("sale failed")  # expect: NS109
    state.set("sold", True)
