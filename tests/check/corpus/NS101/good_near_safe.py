"""The same flow with near_safe: @callback is private by construction."""
from near_safe import ACCOUNT, call, callback, safe_call, state


@call(args={"token": ACCOUNT})
def ask_price(token):
    return safe_call("oracle.near", "get_price", {"token": token}, then="on_price")


@callback
def on_price(result):
    if result.ok:
        state.set("price", result.value)
