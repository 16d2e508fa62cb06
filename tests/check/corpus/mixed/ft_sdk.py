"""A NEP-141 fungible token in near-sdk-py, written carefully (amounts as strings, one yocto,
private resolve callback, storage deposit refunds the excess)."""
import json

import near
from near_sdk_py import ONE_TGAS, Context, Promise, Storage, call, init, view
from near_sdk_py.collections import LookupMap
from near_sdk_py.promises import callback

STORAGE_DEPOSIT = 1250000000000000000000
GAS_FOR_RESOLVE = 20 * ONE_TGAS
GAS_FOR_ON_TRANSFER = 35 * ONE_TGAS


class Token:
    def __init__(self):
        self.accounts = LookupMap("a")

    @init
    def new(self, owner_id, total_supply):
        if Storage.has("supply"):
            near.panic_utf8("already initialized")
        Storage.set("supply", str(total_supply))
        self.accounts[owner_id] = str(total_supply)

    def _internal_transfer(self, sender, receiver, amount):
        have = int(self.accounts.get(sender, "0"))
        if have < amount:
            near.panic_utf8("not enough balance")
        self.accounts[sender] = str(have - amount)
        self.accounts[receiver] = str(int(self.accounts.get(receiver, "0")) + amount)

    @call
    def ft_transfer(self, receiver_id, amount, memo=None):
        if Context.attached_deposit() != 1:
            near.panic_utf8("requires 1 yoctoNEAR")
        self._internal_transfer(Context.predecessor_account_id(), receiver_id, int(amount))

    @call
    def ft_transfer_call(self, receiver_id, amount, msg, memo=None):
        if Context.attached_deposit() != 1:
            near.panic_utf8("requires 1 yoctoNEAR")
        sender = Context.predecessor_account_id()
        self._internal_transfer(sender, receiver_id, int(amount))
        p = near.promise_create(receiver_id, "ft_on_transfer",
                                json.dumps({"sender_id": sender, "amount": amount, "msg": msg}),
                                0, GAS_FOR_ON_TRANSFER)
        q = near.promise_then(p, near.current_account_id(), "ft_resolve_transfer",
                              json.dumps({"sender_id": sender, "receiver_id": receiver_id,
                                          "amount": amount}), 0, GAS_FOR_RESOLVE)
        near.promise_return(q)

    @callback
    def ft_resolve_transfer(self, result, sender_id, receiver_id, amount):
        amount = int(amount)
        unused = amount
        if result.success:
            try:
                unused = min(amount, int(result.data))
            except Exception:
                unused = amount
        if unused > 0:
            have = int(self.accounts.get(receiver_id, "0"))
            back = min(have, unused)
            self.accounts[receiver_id] = str(have - back)
            self.accounts[sender_id] = str(int(self.accounts.get(sender_id, "0")) + back)
            return str(amount - back)
        return str(amount)

    @call
    def storage_deposit(self, account_id=None):
        account = account_id or Context.predecessor_account_id()
        deposit = Context.attached_deposit()
        if deposit < STORAGE_DEPOSIT:
            near.panic_utf8("attach at least the storage deposit")
        if account not in self.accounts:
            self.accounts[account] = "0"
        if deposit > STORAGE_DEPOSIT:
            Promise.create_batch(Context.predecessor_account_id()).transfer(
                deposit - STORAGE_DEPOSIT)

    @view
    def ft_balance_of(self, account_id):
        return self.accounts.get(account_id, "0")

    @view
    def ft_total_supply(self):
        return Storage.get_string("supply")
