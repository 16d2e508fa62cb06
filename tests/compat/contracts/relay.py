"""Cross-contract calls with callbacks, written with near-sdk-py 1.0.0's promise API the way a
near-pytest user would: a relay that calls a Counter and settles in a callback, forwards
deposits and refunds them when the callee fails, and an `attack` method that tries to invoke
another relay's callback from outside."""

from near_sdk_py import ONE_TGAS, Contract, call, init, view
from near_sdk_py.promises import CrossContract, Promise, callback


class Relay(Contract):
    @init
    def new(self, counter):
        self.storage["counter"] = counter
        self.storage["settled"] = 0
        return True

    @view
    def get_counter(self):
        return self.storage.get("counter")

    # a view returning None sends no value, which py-near cannot JSON-decode: wrap it
    @view
    def get_last(self):
        return {"last": self.storage.get("last")}

    @view
    def get_settled(self):
        return self.storage.get("settled", 0)

    @view
    def get_failures(self):
        return self.storage.get("failures", 0)

    @call
    def bump(self, by=1):
        counter = CrossContract(self.storage["counter"], gas=20 * ONE_TGAS)
        return counter.call("increment", by=by).then("on_bumped", by=by).value()

    @call
    def bump_failing(self, reason="callee refused"):
        counter = CrossContract(self.storage["counter"], gas=20 * ONE_TGAS)
        return counter.call("fail", reason=reason).then("on_bumped", by=0).value()

    @callback
    def on_bumped(self, result, by=1):
        self.storage["settled"] = self.storage.get("settled", 0) + 1
        if result.success:
            self.storage["last"] = result.data
            return {"ok": True, "count": result.data, "by": by}
        self.storage["failures"] = self.storage.get("failures", 0) + 1
        return {"ok": False, "by": by}

    @call
    def forward_donation(self, fail=False):
        """Forward the attached deposit to the counter; refund the sender if it fails."""
        sender = self.predecessor_account_id
        amount = self.attached_deposit
        counter = CrossContract(self.storage["counter"], gas=20 * ONE_TGAS, deposit=amount)
        target = "fail" if fail else "donate"
        return (
            counter.call(target)
            .then("on_forwarded", sender=sender, amount=str(amount))
            .value()
        )

    @callback
    def on_forwarded(self, result, sender=None, amount="0"):
        if result.success:
            return {"forwarded": amount}
        Promise.create_batch(sender).transfer(int(amount))
        return {"refunded": amount}

    @call
    def attack(self, victim):
        """Try to run `victim.on_bumped` as if it were its callback (it must refuse)."""
        counter = CrossContract(self.storage["counter"], gas=20 * ONE_TGAS)
        return (
            counter.call("get_count")
            .then_call(victim, "on_bumped", by=1000)
            .value()
        )
