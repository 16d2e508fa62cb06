"""An honest counterpart for the vulnerable contracts: it sells, takes payments, charges what
it is asked and answers pings.  The explorer makes it (or the attacker's own contract in its
place) misbehave."""

from near_sdk_py import call


@call
def sell(item, buyer):
    return {"item": item, "buyer": buyer}


@call
def pay_for():
    return {"paid": True}


@call
def charge(amount):
    return amount


@call
def ping():
    return "pong"
