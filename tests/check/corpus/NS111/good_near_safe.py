"""near_safe's @init runs once."""
from near_safe import ACCOUNT, init, state


@init(args={"owner_id": ACCOUNT})
def new(owner_id):
    state.set("owner", owner_id)
