"""The batch builder with settle(debit=): debited when the NEAR leaves, restored by near_safe in
the callback when the transfer failed."""
import near

from near_safe import ACCOUNT, AMOUNT, Promise, call, callback


@call(args={"to": ACCOUNT, "amount": AMOUNT})
def withdraw(to, amount):
    user = near.predecessor_account_id()
    return (Promise.create_batch(to).transfer(amount)
            .settle(debit=("bal", user, amount), lock=user).then("on_withdrawn"))


@callback
def on_withdrawn(result):
    return result.success
