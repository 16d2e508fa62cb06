"""A constant in-flight marker the callback only deletes: nothing is settled from it, the
settlement data travels in the callback's arguments."""
from near_sdk_py import Contract, ONE_TGAS, call
from near_sdk_py.promises import CrossContract, Promise, callback


class Vault(Contract):
    @call
    def deposit_and_call(self):
        sender = self.predecessor_account_id
        amount = self.attached_deposit
        self.storage["in_flight"] = sender
        token = CrossContract("token.near", gas=20 * ONE_TGAS, deposit=amount)
        return token.call("receive").gas(30 * ONE_TGAS).then(
            "on_done", sender=sender, amount=str(amount)).value()

    @callback
    def on_done(self, result, sender, amount):
        del self.storage["in_flight"]
        if not result.success:
            Promise.create_batch(sender).transfer(int(amount))
