"""Amounts as decimal strings in and out."""
import near
from near_sdk_py import ONE_NEAR, ONE_TGAS, Context, CrossContract, Storage, call, view
from near_sdk_py.promises import callback


class Vault:
    @view
    def contract_balance(self):
        return str(near.account_balance())

    @call
    def deposit(self, memo: str = ""):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        Storage.set("d:" + user, str(amount))
        return {"user": user, "deposited": str(amount)}

    @call
    def tip(self, receiver_id, count: int = 1):
        if Context.attached_deposit() != 0:
            raise Exception("no deposit")
        CrossContract("wrap.near", gas=30 * ONE_TGAS, deposit=1).call(
            "ft_transfer", receiver_id=receiver_id, amount=str(2 * ONE_NEAR)).gas(
            30 * ONE_TGAS).then("on_tip")

    @callback
    def on_tip(self, result):
        return result.success
