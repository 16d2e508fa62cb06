"""A class-based near-sdk-py contract (nearc exports its decorated methods through an
instance) importing a local module."""

import helpers
from near_sdk_py import Contract, Log, call, view


class Greeter(Contract):
    instances = 0

    def __init__(self):
        super().__init__()
        Greeter.instances += 1

    @call
    def greet(self, name):
        self.storage["last"] = name
        Log.info(helpers.greeting(name))
        return {"greeting": helpers.greeting(name), "instances": Greeter.instances}

    @view
    def last(self):
        return self.storage.get("last", None)

    @call
    def _private(self):
        return "exported by name but never bound"
