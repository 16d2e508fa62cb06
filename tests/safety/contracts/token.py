"""A fungible-token stand-in (NEP-141 ft_transfer only) that can be made to fail."""

import near

from near_safe import ACCOUNT, AMOUNT, BOOL, call, require, state, view


@call(args={"account_id": ACCOUNT, "amount": AMOUNT})
def mint(account_id, amount):
    state.credit("ft", account_id, amount)


@call(one_yocto=True, args={"receiver_id": ACCOUNT, "amount": AMOUNT, "memo": "?str"})
def ft_transfer(receiver_id, amount, memo=None):
    require(not state.get("fail", False), "token is failing")
    state.debit("ft", near.predecessor_account_id(), amount)
    state.credit("ft", receiver_id, amount)


@view(args={"account_id": ACCOUNT})
def ft_balance_of(account_id):
    return str(state.balance("ft", account_id))


@call(args={"fail": BOOL})
def set_fail(fail):
    state.set("fail", fail)
