"""The builder's .gas(g) before then is the callback's static gas: 2 Tgas starves it."""
import near

from near_safe import TGAS, CrossContract, call, callback


@call(payable=True)
def buy():
    amount = near.attached_deposit()
    return (CrossContract("shop.near").deposit(amount).call("buy")
            .settle(refund=amount).gas(2 * TGAS).then("on_bought"))  # expect: NS106


@callback
def on_bought(result):
    return result.ok
