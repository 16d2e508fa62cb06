"""Decorators imported by their own names, public method names."""
from near_safe import call, state, view


class Registry:
    @call
    def reset(self):
        state.set("entries", [])

    @view
    def entries(self):
        return state.get("entries", [])

    def _helper(self):
        return 1
