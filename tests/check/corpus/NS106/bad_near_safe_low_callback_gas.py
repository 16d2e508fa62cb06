"""safe_call with its callback reservation lowered below what a MicroPython callback needs."""
from near_safe import TGAS, call, callback, safe_call


@call
def read():
    return safe_call("data.near", "get", then="on_read", callback_gas=3 * TGAS)  # expect: NS106


@callback
def on_read(result):
    return result.value
