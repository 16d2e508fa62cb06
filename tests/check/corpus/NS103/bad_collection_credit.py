"""Credits a persistent map (+=) before locking the deposit in a lockup contract."""
import json

import near
from near_sdk_py import Context, call
from near_sdk_py.collections import UnorderedMap
from near_sdk_py.promises import callback

TGAS = 10**12


class Lockup:
    def __init__(self):
        self.locked = UnorderedMap("l")

    @call
    def lock(self):
        user = Context.predecessor_account_id()
        deposit = Context.attached_deposit()
        if user not in self.locked:
            self.locked[user] = 0
        self.locked[user] += deposit  # expect: NS103
        p = near.promise_create("lockup.near", "lock", "{}", deposit, 40 * TGAS)
        near.promise_then(p, near.current_account_id(), "on_locked",
                          json.dumps({"user": user, "amount": str(deposit)}), 0, 30 * TGAS)

    @callback
    def on_locked(self, result, user, amount):
        if not result.success:
            self.locked[user] = self.locked[user] - int(amount)
            p = near.promise_batch_create(user)
            near.promise_batch_action_transfer(p, int(amount))
