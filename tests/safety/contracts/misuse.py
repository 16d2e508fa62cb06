"""A contract that misuses a decorator: importing it raises MisuseError, so every call fails
and logs the message (and a CPython import shows it at once)."""

from near_safe import view


@view(payable=True)
def total():
    return 0
