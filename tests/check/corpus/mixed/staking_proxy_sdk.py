"""A staking proxy as a near-sdk-py developer would write it from the SDK's README (several
mistakes at once). Markers are the findings a reviewer would raise."""
import near
from near_sdk_py import Context, CrossContract, ONE_TGAS, Storage, call, init, view
from near_sdk_py.collections import UnorderedMap


class StakingProxy:
    def __init__(self):
        self.deposits = UnorderedMap("d")

    @init
    def new(self, pool_id, owner_id):  # expect: NS111, NS117
        Storage.set("pool", pool_id)
        Storage.set("owner", owner_id)

    @call
    def stake(self):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        self.deposits[user] = self.deposits.get(user, 0) + amount  # expect: NS103
        pool = Storage.get_string("pool")
        CrossContract(pool).deposit(amount).call("deposit_and_stake").then(  # expect: NS105, NS106
            "on_stake", user=user, amount=amount)  # expect: NS113

    @call
    def on_stake(self, user, amount):  # expect: NS101
        status, _ = near.promise_result(0)
        if status != 1:
            self.deposits[user] = self.deposits[user] - amount

    @call
    def unstake(self, amount):  # expect: NS107
        user = Context.predecessor_account_id()
        bal = self.deposits.get(user, 0)
        assert bal >= int(amount)
        self.deposits[user] = bal - int(amount)  # expect: NS104
        CrossContract(Storage.get_string("pool"), gas=50 * ONE_TGAS).call(  # expect: NS102
            "unstake", amount=amount)

    @call
    def set_pool(self, pool_id):  # expect: NS107, NS112
        assert Context.predecessor_account_id() == Storage.get_string("owner")
        Storage.set("pool", pool_id)

    @view
    def get_deposit(self, account_id):
        return self.deposits.get(account_id, 0)  # expect: NS113
