"""The same adjustments, bounded: min/max, or a check of the answer before using it."""
import near

from near_safe import ACCOUNT, AMOUNT, STR, call, callback, operation, safe_call

FT = "ft"
SHOP = "shop.near"


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
        operation().restore = max(0, min(amount, amount - result.value))


@call(args={"budget": AMOUNT})
def order(budget):
    user = near.predecessor_account_id()
    return safe_call(SHOP, "serve", {"budget": str(budget)}, then="on_served",
                     then_args={"budget": str(budget)}, debit=("prepaid", user, budget))


@callback(result=AMOUNT, args={"budget": AMOUNT})
def on_served(result, budget):
    charged = result.value
    if result.ok and 0 <= charged <= budget:
        operation().restore = budget - charged
