"""A near-sdk-py @init that refuses a second call by reading near_safe's state first."""
from near_sdk_py import Contract, init

from near_safe import state


class Counter(Contract):
    @init
    def new(self, start: int = 0):
        if state.get("count") is not None:
            raise Exception("already initialised")
        state.set("count", start)
