"""Buys an item on a market contract, forwarding the deposit, with no callback."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, call


class Buyer:
    @call
    def buy(self, token_id):
        price = Context.attached_deposit()
        CrossContract("market.near", gas=50 * ONE_TGAS).deposit(price).call(  # expect: NS102
            "buy", token_id=token_id)
