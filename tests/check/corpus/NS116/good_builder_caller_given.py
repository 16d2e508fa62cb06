"""Quote first, then buy, with near_safe's builders: the second hop names the buyer with
settle(caller=), so a failed purchase refunds the buyer."""
import near

from near_safe import ACCOUNT, AMOUNT, CrossContract, call, callback, require, state

SHOP = "shop.near"


@call(payable=True)
def buy_ticket():
    amount = near.attached_deposit()
    require(amount > 0, "attach the price")
    state.set("paid:" + near.predecessor_account_id(), str(amount))
    return CrossContract(SHOP).call("quote").then(
        "on_quote", buyer=near.predecessor_account_id(), amount=str(amount))


@callback(args={"buyer": ACCOUNT, "amount": AMOUNT})
def on_quote(result, buyer, amount):
    if not result.ok:
        return None
    return (CrossContract(SHOP).deposit(amount).call("buy", buyer=buyer)
            .settle(refund=amount, caller=buyer).then("on_bought"))


@callback
def on_bought(result):
    return result.ok
