"""A fungible token (NEP-141's ``ft_transfer`` only) that can be switched to fail: the external
contract the vault withdraws to."""

import near

from near_safe import ACCOUNT, AMOUNT, BOOL, STR, call, optional, require, state, view


@call(private=True, args={"account_id": ACCOUNT, "amount": AMOUNT})
def mint(account_id, amount):
    state.credit("ft", account_id, amount)


@call(one_yocto=True, args={"receiver_id": ACCOUNT, "amount": AMOUNT, "memo": optional(STR)})
def ft_transfer(receiver_id, amount, memo=None):
    require(not state.get("failing", False), "token is failing")
    state.debit("ft", near.predecessor_account_id(), amount)
    state.credit("ft", receiver_id, amount)


@call(private=True, args={"failing": BOOL})
def set_failing(failing):
    state.set("failing", failing)


@view(args={"account_id": ACCOUNT})
def ft_balance_of(account_id):
    return str(state.balance("ft", account_id))
