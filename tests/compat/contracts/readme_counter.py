"""The counter near-pytest's README tests (init `starting_count`, `increment`, `get_count`),
written with near-sdk-py 1.0.0."""

from near_sdk_py import Contract, call, init, view


class Counter(Contract):
    @init
    def new(self, starting_count=0):
        self.storage["count"] = starting_count

    @call
    def increment(self):
        count = self.storage.get("count", 0) + 1
        self.storage["count"] = count
        return count

    @view
    def get_count(self):
        return self.storage.get("count", 0)
