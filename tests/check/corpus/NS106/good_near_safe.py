"""near_safe's safe_call reserves CALLBACK_GAS (measured) with weight 0."""
from near_safe import call, callback, safe_call


@call
def read():
    return safe_call("data.near", "get", then="on_read")


@callback
def on_read(result):
    return result.value
