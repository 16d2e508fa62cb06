"""A contract whose initializer only the contract account itself may call."""

from near_safe import ACCOUNT, init, state, view


@init(private=True, args={"owner": ACCOUNT})
def new(owner):
    state.set("owner", owner)


@view
def owner():
    return state.get("owner")
