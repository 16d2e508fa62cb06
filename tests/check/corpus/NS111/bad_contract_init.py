"""A Contract subclass whose init writes without checking."""
from near_sdk_py import Contract, init


class Token(Contract):
    @init
    def initialize(self, supply):  # expect: NS111, NS117
        self.storage["supply"] = str(supply)
        self.storage["owner"] = self.predecessor_account_id
