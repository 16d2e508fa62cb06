"""Builder fixture: imports CPython standard library that MicroPython lacks."""

from decimal import Decimal

from near_sdk_py import view


@view
def price():
    return str(Decimal("1.5"))
