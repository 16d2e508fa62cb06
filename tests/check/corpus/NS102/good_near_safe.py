"""near_safe's safe_call always carries a callback."""
from near_sdk_py import Context

from near_safe import AMOUNT, STR, call, callback, safe_call, state


@call(payable=True, args={"token_id": STR})
def buy(token_id):
    price = Context.attached_deposit()
    return safe_call("market.near", "buy", {"token_id": token_id}, deposit=price,
                     then="on_bought", refund=price)


@callback
def on_bought(result):
    if result.ok:
        state.set("last", result.value)
