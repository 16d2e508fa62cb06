"""The prepaid wallet written with near_safe's builder and settle(debit=) by ledger name: the
protocol returns a failed receipt's deposit to the user, nothing is restored from the
contract's balance, so a hostile shop gains nothing."""
import near

from near_safe import ACCOUNT, AMOUNT, STR, CrossContract, call, callback, state

WALLET = "wallet"


@call(payable=True)
def top_up():
    state.credit(WALLET, near.predecessor_account_id(), near.attached_deposit())


@call(args={"shop": ACCOUNT, "order": STR, "amount": AMOUNT})
def pay(shop, order, amount):
    user = near.predecessor_account_id()
    return (CrossContract(shop).deposit(amount).call("pay", order=order)
            .settle(debit=WALLET, lock=user).then("on_paid"))


@callback
def on_paid(result):
    return result.ok
