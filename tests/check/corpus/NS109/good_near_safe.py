"""near_safe's @callback catches a raising body: the settlement still commits."""
from near_safe import ContractError, call, callback, safe_call, state


@call
def refresh():
    return safe_call("oracle.near", "price", then="on_price")


@callback
def on_price(result):
    if not result.ok:
        raise ContractError("price unavailable")
    state.set("price", result.value)
