"""A minimal staking pool: the external contract the vaults call.  It accepts a deposit and
returns the staked amount.  It never fails by itself; the explorer makes its receipts fail
(panic, out of gas, missing account or method, oversized result)."""

import near
from near_sdk_py import Storage, call, view


@call
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    key = "stake:" + user
    Storage.set(key, str(int(Storage.get_string(key) or "0") + amount))
    return str(amount)


@view
def get_stake(account_id):
    return Storage.get_string("stake:" + account_id) or "0"
