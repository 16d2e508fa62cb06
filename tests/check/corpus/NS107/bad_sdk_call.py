"""A near-sdk-py counter: every @call accepts (and keeps) any attached deposit."""
from near_sdk_py import Storage, call, init, view


class Counter:
    @init
    def new(self):
        if Storage.has("count"):
            raise Exception("already initialised")
        Storage.set("count", "0")

    @call
    def increment(self):  # expect: NS107
        Storage.set("count", str(int(Storage.get_string("count")) + 1))

    @view
    def get(self):
        return int(Storage.get_string("count"))
