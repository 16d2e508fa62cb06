"""The builder's callback gets near_safe's CALLBACK_GAS by default (weight 0), whatever the
call's own gas."""
import near

from near_safe import TGAS, CrossContract, call, callback


@call(payable=True)
def buy():
    amount = near.attached_deposit()
    return (CrossContract("shop.near", gas=30 * TGAS).deposit(amount).call("buy")
            .settle(refund=amount).then("on_bought"))


@callback
def on_bought(result):
    return result.ok
