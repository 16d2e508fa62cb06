"""PromiseResult.unwrap() raises on a failed result: the callback aborts instead of settling."""
from near_sdk_py import ONE_TGAS, CrossContract, Storage, call
from near_sdk_py.promises import callback


class Oracle:
    @call
    def refresh(self):
        self.assert_no_deposit()
        return CrossContract("oracle.near", gas=20 * ONE_TGAS).call("price").gas(
            30 * ONE_TGAS).then("on_price").value()

    def assert_no_deposit(self):
        from near_sdk_py import Context
        if Context.attached_deposit():
            raise Exception("no deposit")

    @callback
    def on_price(self, result):
        price = result.unwrap()  # expect: NS109
        Storage.set("price", str(price))
        Storage.remove("refreshing")
