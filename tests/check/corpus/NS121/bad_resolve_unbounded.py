"""Transfer-and-call with a tuple debit of tokens: the receiver answers how many it used and
the callback restores the rest. A receiver answering more than it was sent makes the restore
negative."""
import near

from near_safe import ACCOUNT, AMOUNT, STR, call, callback, operation, safe_call

FT = "ft"


@call(one_yocto=True, args={"receiver_id": ACCOUNT, "amount": AMOUNT, "msg": STR})
def ft_transfer_call(receiver_id, amount, msg):
    sender = near.predecessor_account_id()
    return safe_call(receiver_id, "ft_on_transfer",
                     {"sender_id": sender, "amount": str(amount), "msg": msg},
                     then="ft_resolve", then_args={"amount": str(amount)},
                     debit=(FT, sender, amount))


@callback(result=AMOUNT, args={"amount": AMOUNT})
def ft_resolve(result, amount):
    if result.ok:
        operation().restore = amount - result.value  # expect: NS121
