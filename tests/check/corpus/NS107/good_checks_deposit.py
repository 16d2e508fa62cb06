"""Deposits are checked: rejected where not wanted, used where they are."""
import near
from near_sdk_py import Context, Storage, call


class Counter:
    @call
    def increment(self):
        if Context.attached_deposit() != 0:
            near.panic_utf8("increment takes no deposit")
        Storage.set("count", str(int(Storage.get_string("count") or "0") + 1))

    @call
    def donate(self):
        user = Context.predecessor_account_id()
        total = int(Storage.get_string("d:" + user) or "0") + Context.attached_deposit()
        Storage.set("d:" + user, str(total))
