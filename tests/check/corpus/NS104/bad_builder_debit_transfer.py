"""A withdrawal written with the batch builder that debits by hand before the transfer leaves;
the callback restores nothing when the transfer fails (a missing account)."""
import near

from near_safe import ACCOUNT, AMOUNT, Promise, call, callback, state


@call(args={"to": ACCOUNT, "amount": AMOUNT})
def withdraw(to, amount):
    user = near.predecessor_account_id()
    state.debit("bal", user, amount)  # expect: NS104
    return Promise.create_batch(to).transfer(amount).then("on_withdrawn")


@callback
def on_withdrawn(result):
    return result.ok
