"""A decorator misuse near_safe refuses at build time: a view cannot take a deposit."""
from near_safe import call, view


@call
def ping():
    return "pong"


@view(payable=True)
def peek():
    return 1
