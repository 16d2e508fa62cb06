"""A near-sdk-py market: the buyer names the seller's contract and the callback sends the
price back when the sale 'failed' - whether or not the seller kept it."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, Promise, call
from near_sdk_py.promises import callback


class Market:
    @call
    def purchase(self, seller_id, item_id):
        buyer = Context.predecessor_account_id()
        price = Context.attached_deposit()
        if price == 0:
            raise Exception("attach the price")
        return CrossContract(seller_id, gas=40 * ONE_TGAS, deposit=price).call(  # expect: NS114
            "sell", item_id=item_id).gas(30 * ONE_TGAS).then(
            "on_sold", buyer=buyer, price=str(price)).value()

    @callback
    def on_sold(self, result, buyer, price):
        if not result.success:
            Promise.create_batch(buyer).transfer(int(price))
