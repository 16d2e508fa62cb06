"""yoctoNEAR amounts returned as JSON numbers."""
import near
from near_sdk_py import Context, Storage, call, view


class Vault:
    @view
    def contract_balance(self):
        return near.account_balance()  # expect: NS113

    @call
    def deposit(self):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        Storage.set("d:" + user, str(amount))
        return {"user": user, "deposited": amount}  # expect: NS113
