"""The callback raises on failure: it aborts and the refund below never happens."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, Promise, call
from near_sdk_py.promises import callback


class Market:
    @call
    def purchase(self, item_id):
        buyer = Context.predecessor_account_id()
        price = Context.attached_deposit()
        return CrossContract("seller.near", gas=40 * ONE_TGAS, deposit=price).call(
            "sell", item_id=item_id).gas(30 * ONE_TGAS).then(
            "on_sold", buyer=buyer, price=str(price)).value()

    @callback
    def on_sold(self, result, buyer, price):
        if result.data == "sold out":
            raise Exception("sold out")  # expect: NS109
        if not result.success:
            Promise.create_batch(buyer).transfer(int(price))
