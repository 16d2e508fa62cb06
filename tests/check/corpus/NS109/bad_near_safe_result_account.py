"""A payout router: the registry answers who should be paid and the callback pays them with a
raw promise. An invalid account id in that answer is a host panic, which near_safe's
containment cannot catch: the whole callback aborts and its settlement is lost."""
import near

from near_safe import ACCOUNT, call, callback, require, safe_call

REGISTRY = "registry.near"


@call(payable=True, args={"invoice": ACCOUNT})
def pay_invoice(invoice):
    amount = near.attached_deposit()
    require(amount > 0, "attach the amount")
    return safe_call(REGISTRY, "payee_of", {"invoice": invoice}, then="on_payee",
                     lock=invoice)


@callback
def on_payee(result):
    if result.ok:
        p = near.promise_batch_create(result.value["payee"])  # expect: NS109
        near.promise_batch_action_transfer(p, 10**24)
