"""A contract that accepts tokens through ``ft_on_transfer``.  ``msg`` says what it does:
``"keep:N"`` keeps N tokens (returns the rest as unused), ``"fail"`` panics, ``"garbage"``
answers with something that is not an amount."""

from near_safe import ACCOUNT, AMOUNT, STR, call, require, state, view


@call(args={"sender_id": ACCOUNT, "amount": AMOUNT, "msg": STR})
def ft_on_transfer(sender_id, amount, msg):
    require(msg != "fail", "receiver refuses the tokens")
    if msg == "garbage":
        return "lots"
    keep = min(int(msg[5:]), amount) if msg.startswith("keep:") else amount
    state.credit("paid", sender_id, keep)  # e.g. a shop crediting what was paid
    return str(amount - keep)


@view(args={"account_id": ACCOUNT})
def paid_by(account_id):
    return str(state.balance("paid", account_id))
