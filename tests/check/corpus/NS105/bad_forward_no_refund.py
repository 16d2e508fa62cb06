"""Forwards the deposit to a pool; the callback credits on success but never refunds."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, Storage, call
from near_sdk_py.promises import callback


class Staker:
    @call
    def stake(self):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        CrossContract("pool.near", gas=50 * ONE_TGAS, deposit=amount).call(  # expect: NS105
            "deposit_and_stake").gas(30 * ONE_TGAS).then(
            "on_staked", user=user, amount=str(amount))

    @callback
    def on_staked(self, result, user, amount):
        if result.success:
            staked = int(Storage.get_string("staked:" + user) or "0")
            Storage.set("staked:" + user, str(staked + int(amount)))
