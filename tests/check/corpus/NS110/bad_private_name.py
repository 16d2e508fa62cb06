"""Exports nearc cannot bind: a private method and a C keyword."""
from near_safe import call, state, view


class Registry:
    @call
    def _reset(self):  # expect: NS110
        state.set("entries", [])

    @view
    def default(self):  # expect: NS110
        return state.get("entries", [])
