"""Deposits kept as numbers in a map and returned as they are."""
from near_sdk_py import Context, call, view
from near_sdk_py.collections import LookupMap


class Piggy:
    def __init__(self):
        self.saved = LookupMap("s")

    @call
    def save(self):
        user = Context.predecessor_account_id()
        self.saved[user] = self.saved.get(user, 0) + Context.attached_deposit()

    @view
    def saved_by(self, account_id):
        return self.saved.get(account_id, 0)  # expect: NS113

    @view
    def saved_by_str(self, account_id):
        return str(self.saved.get(account_id, 0))
