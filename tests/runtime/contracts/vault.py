"""Runtime end-to-end contract (near-sdk-py 1.0.0, compiled by nearc): forwards a deposit to a
token contract and settles in a callback - credits the sender on success, sends the deposit
back on failure.  ``write_then_fail`` checks that a panic rolls back the receipt's writes."""

from near_sdk_py import Contract, ONE_TGAS, call, init, view
from near_sdk_py.promises import CrossContract, Promise, callback


class Vault(Contract):
    @init
    def new(self, token):
        self.storage["token"] = token
        return True

    @call
    def deposit_and_call(self, fail=False):
        sender = self.predecessor_account_id
        amount = self.attached_deposit
        self.storage["in_flight"] = sender
        token = CrossContract(self.storage["token"], gas=20 * ONE_TGAS, deposit=amount)
        return (token.call("fail" if fail else "receive", note="from vault")
                .then("on_done", sender=sender, amount=str(amount)).value())

    @callback
    def on_done(self, result, sender=None, amount="0"):
        del self.storage["in_flight"]
        if result.success:
            key = "credit:" + sender
            self.storage[key] = self.storage.get(key, 0) + int(amount)
            self.log_info("credited " + amount)
            return {"credited": amount, "token_says": result.data}
        Promise.create_batch(sender).transfer(int(amount))
        self.log_info("refunded " + amount)
        return {"refunded": amount}

    @call
    def write_then_fail(self):
        self.storage["scratch"] = "written"
        raise Exception("vault refused after writing")

    @view
    def get(self, key):
        return self.storage.get(key)
