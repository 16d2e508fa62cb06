"""The prepaid wallet written with near_safe's builder: the tuple debit in settle(...) is
restored in full when the shop's answer is a failure, although the NEAR left with the call; a
shop of the user's own keeps it and fails, and the user spends the same balance again."""
import near

from near_safe import ACCOUNT, AMOUNT, STR, CrossContract, call, callback, state

WALLET = "wallet"


@call(payable=True)
def top_up():
    state.credit(WALLET, near.predecessor_account_id(), near.attached_deposit())


@call(args={"shop": ACCOUNT, "order": STR, "amount": AMOUNT})
def pay(shop, order, amount):
    user = near.predecessor_account_id()
    return (CrossContract(shop).deposit(amount).call("pay", order=order)  # expect: NS114
            .settle(debit=(WALLET, user, amount), lock=user).then("on_paid"))


@callback
def on_paid(result):
    return result.ok
