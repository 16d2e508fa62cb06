"""A loyalty scheme: each order credits 10 points at settlement, and the callback adds the
bonus the shop announces with +=. The shop chooses that number; near_safe bounds a credit
by what the operation moved, so a large bonus is rejected and a negative one subtracts."""
import near

from near_safe import AMOUNT, INT, call, callback, operation, safe_call

SHOP = "shop.near"


@call(args={"budget": AMOUNT})
def order(budget):
    user = near.predecessor_account_id()
    return safe_call(SHOP, "serve", {"budget": str(budget)}, then="on_served",
                     credit=("points", user, 10))


@callback(result=INT)
def on_served(result):
    op = operation()
    if op.ok:
        op.credit += result.value  # expect: NS121
