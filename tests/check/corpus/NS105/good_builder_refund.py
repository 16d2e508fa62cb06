"""The builder forwards the attached deposit with settle(refund=): a failed call's deposit goes
back to the caller by the protocol."""
import near

from near_safe import CrossContract, call, callback


@call(payable=True)
def buy():
    amount = near.attached_deposit()
    return (CrossContract("shop.near").deposit(amount).call("buy")
            .settle(refund=amount).then("on_bought"))


@callback
def on_bought(result):
    return result.ok
