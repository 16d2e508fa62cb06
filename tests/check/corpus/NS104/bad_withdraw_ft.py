"""Withdraws fungible tokens: debits, then calls ft_transfer with no callback."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, call
from near_sdk_py.collections import LookupMap


class Vault:
    def __init__(self):
        self.balances = LookupMap("b")

    @call
    def withdraw(self, amount):
        if Context.attached_deposit() != 1:
            raise Exception("attach 1 yoctoNEAR")
        user = Context.predecessor_account_id()
        have = int(self.balances.get(user, "0"))
        if have < int(amount):
            raise Exception("not enough")
        self.balances[user] = str(have - int(amount))  # expect: NS104
        CrossContract("token.near", gas=30 * ONE_TGAS, deposit=1).call(  # expect: NS102
            "ft_transfer", receiver_id=user, amount=amount)
