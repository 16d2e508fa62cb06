"""The prepaid wallet with debit= by ledger name: its amount is the deposit, restored never
(the protocol refunds a failed receipt to the user), so a hostile shop gains nothing."""
import near

from near_safe import ACCOUNT, AMOUNT, STR, call, callback, safe_call, state

WALLET = "wallet"


@call(payable=True)
def top_up():
    state.credit(WALLET, near.predecessor_account_id(), near.attached_deposit())


@call(args={"shop": ACCOUNT, "order": STR, "amount": AMOUNT})
def pay(shop, order, amount):
    user = near.predecessor_account_id()
    return safe_call(shop, "pay", {"order": order}, deposit=amount, then="on_paid",
                     debit=WALLET, lock=user)


@callback
def on_paid(result):
    return result.ok
