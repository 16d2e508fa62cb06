"""A builder carrying NEAR ended with .value(): no callback observes its failure (near_safe
refuses it at run time with MisuseError; the checker says so before the deploy)."""
import near

from near_safe import CrossContract, call


@call(payable=True)
def buy():
    amount = near.attached_deposit()
    return CrossContract("shop.near").deposit(amount).call("buy").value()  # expect: NS102
