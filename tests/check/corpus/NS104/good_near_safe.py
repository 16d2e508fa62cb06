"""near_safe's debit with rollback: safe_call(debit=...) restores the ledger on failure."""
import near

from near_safe import AMOUNT, call, callback, safe_call


@call(args={"amount": AMOUNT})
def withdraw_tokens(amount):
    user = near.predecessor_account_id()
    return safe_call("token.near", "ft_transfer", {"receiver_id": user, "amount": str(amount)},
                     deposit=1, then="on_sent", debit=("tokens", user, amount), lock=user)


@callback
def on_sent(result):
    return result.ok
