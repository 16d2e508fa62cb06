"""NEAR's deposit-and-stake example, wrong version: credit first, remove on failure."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, Promise, Storage, call
from near_sdk_py.promises import callback

POOL = "pool.near"


class Staker:
    @call
    def deposit_and_stake(self):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        staked = int(Storage.get_string("staked:" + user) or "0")
        Storage.set("staked:" + user, str(staked + amount))  # expect: NS103
        return CrossContract(POOL, gas=50 * ONE_TGAS).deposit(amount).call(
            "deposit_and_stake").gas(30 * ONE_TGAS).then(
            "on_staked", user=user, amount=str(amount)).value()

    @callback
    def on_staked(self, result, user, amount):
        if not result.success:
            staked = int(Storage.get_string("staked:" + user) or "0")
            Storage.set("staked:" + user, str(staked - int(amount)))
            Promise.create_batch(user).transfer(int(amount))
