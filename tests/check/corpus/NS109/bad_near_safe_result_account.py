"""A payout router: the registry answers who (or how much) should be paid and the callback
pays with a raw promise. An invalid account id, or an amount above the contract's balance, in
that answer is a host panic, which near_safe's containment cannot catch: the whole callback
aborts and its settlement is lost."""
import near

from near_safe import ACCOUNT, call, callback, operation, require, safe_call

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


@call(payable=True)
def cash_out():
    return safe_call(REGISTRY, "amount_due", {"user": near.predecessor_account_id()},
                     then="on_amount", lock=near.predecessor_account_id())


@callback
def on_amount(result):
    if result.ok:
        p = near.promise_batch_create(operation().caller)
        near.promise_batch_action_transfer(p, int(result.value))  # expect: NS109
