"""near_safe's @init runs once; private=True: only the deploy batch can run it."""
from near_safe import ACCOUNT, init, state


@init(private=True, args={"owner_id": ACCOUNT})
def new(owner_id):
    state.set("owner", owner_id)
