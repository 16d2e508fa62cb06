"""A prepaid wallet: users keep NEAR here and pay any shop they name. The tuple debit is
restored in full when the shop's answer is a failure, although the NEAR left with the call:
a shop of the user's own keeps it and returns a failing promise, and the user spends the same
balance again and again."""
import near

from near_safe import ACCOUNT, AMOUNT, STR, call, callback, safe_call, state

WALLET = "wallet"


@call(payable=True)
def top_up():
    state.credit(WALLET, near.predecessor_account_id(), near.attached_deposit())


@call(args={"shop": ACCOUNT, "order": STR, "amount": AMOUNT})
def pay(shop, order, amount):
    user = near.predecessor_account_id()
    return safe_call(shop, "pay", {"order": order}, deposit=amount,  # expect: NS114
                     then="on_paid", debit=(WALLET, user, amount), lock=user)


@callback
def on_paid(result):
    return result.ok
