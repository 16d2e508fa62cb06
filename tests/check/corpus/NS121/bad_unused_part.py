"""A metered service: the shop answers what it charged and the callback credits the unused
part back to the customer's prepaid ledger at settlement."""
import near

from near_safe import AMOUNT, call, callback, operation, safe_call

SHOP = "shop.near"


@call(args={"budget": AMOUNT})
def order(budget):
    user = near.predecessor_account_id()
    return safe_call(SHOP, "serve", {"budget": str(budget)}, then="on_served",
                     then_args={"budget": str(budget)}, debit=("prepaid", user, budget))


@callback(args={"budget": AMOUNT})
def on_served(result, budget):
    op = operation()
    charged = int(result.value)
    op.restore = budget - charged  # expect: NS121
