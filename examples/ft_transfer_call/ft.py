"""A fungible token with NEP-141's transfer-and-call, written with near_safe.

``ft_transfer_call`` moves the tokens to the receiver contract, then calls its
``ft_on_transfer``, which returns how many tokens it did NOT use.  ``ft_resolve_transfer`` (a
near_safe callback: private, typed result) gives those back to the sender - never more than
was sent, and never more than the receiver still holds (it may have spent some meanwhile).  If
the receiver failed or answered something that is not an amount, everything comes back."""

import near

from near_safe import (
    ACCOUNT,
    AMOUNT,
    STR,
    TGAS,
    call,
    callback,
    optional,
    require,
    safe_call,
    state,
    view,
)

FT = "ft"  # ledger: token balances


@call(private=True, args={"account_id": ACCOUNT, "amount": AMOUNT})
def mint(account_id, amount):
    state.credit(FT, account_id, amount)


def _transfer(sender_id, receiver_id, amount):
    require(sender_id != receiver_id, "The sender and the receiver must differ")
    require(amount > 0, "The amount must be positive")
    state.debit(FT, sender_id, amount)
    state.credit(FT, receiver_id, amount)


@call(one_yocto=True, args={"receiver_id": ACCOUNT, "amount": AMOUNT, "memo": optional(STR)})
def ft_transfer(receiver_id, amount, memo=None):
    _transfer(near.predecessor_account_id(), receiver_id, amount)


@call(one_yocto=True, args={"receiver_id": ACCOUNT, "amount": AMOUNT, "msg": STR,
                            "memo": optional(STR)})
def ft_transfer_call(receiver_id, amount, msg, memo=None):
    sender_id = near.predecessor_account_id()
    _transfer(sender_id, receiver_id, amount)
    return safe_call(receiver_id, "ft_on_transfer",
                     {"sender_id": sender_id, "amount": str(amount), "msg": msg},
                     gas=20 * TGAS, then="ft_resolve_transfer",
                     then_args={"sender_id": sender_id, "receiver_id": receiver_id,
                                "amount": str(amount)})


@callback(result=AMOUNT, args={"sender_id": ACCOUNT, "receiver_id": ACCOUNT,
                               "amount": AMOUNT})
def ft_resolve_transfer(result, sender_id, receiver_id, amount):
    unused = min(result.value, amount) if result.ok else amount
    refund = min(unused, state.balance(FT, receiver_id))
    if refund:
        state.debit(FT, receiver_id, refund)
        state.credit(FT, sender_id, refund)
    return str(amount - refund)  # what the receiver used: ft_transfer_call's result


@view(args={"account_id": ACCOUNT})
def ft_balance_of(account_id):
    return str(state.balance(FT, account_id))
