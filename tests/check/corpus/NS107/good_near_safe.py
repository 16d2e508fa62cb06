"""near_safe's @call rejects deposits unless payable=True."""
import near

from near_safe import call, state


@call
def increment():
    state.set("count", state.get("count", 0) + 1)


@call(payable=True)
def donate():
    state.credit("donations", near.predecessor_account_id(), near.attached_deposit())
