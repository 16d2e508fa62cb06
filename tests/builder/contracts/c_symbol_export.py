"""An exported method named like a C library symbol of the MicroPython runtime."""
from near_sdk_py import call


@call
def stdout():
    return "clash"
