"""The builder forwards the attached deposit with no settle(refund=) and a callback that never
pays it back: a failed call's deposit stays with the contract."""
import near

from near_safe import CrossContract, call, callback


@call(payable=True)
def buy():
    amount = near.attached_deposit()
    return (CrossContract("shop.near").deposit(amount).call("buy")  # expect: NS105
            .then("on_bought"))


@callback
def on_bought(result):
    return result.ok
