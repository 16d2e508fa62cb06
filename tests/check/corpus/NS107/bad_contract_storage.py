"""A Contract subclass writing through self.storage."""
from near_sdk_py import Contract, call


class Notes(Contract):
    @call
    def add_note(self, text):  # expect: NS107
        self.storage["note:" + self.predecessor_account_id] = text
