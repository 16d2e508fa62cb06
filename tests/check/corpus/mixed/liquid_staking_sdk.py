"""A liquid-staking contract in near-sdk-py: users deposit NEAR for shares, the owner stakes
the pool's NEAR with a validator, users can unstake into a validator of their choice for a
fee. Markers were written before the checker was run on this file."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, Promise, Storage, call, init, view
from near_sdk_py.promises import callback


class Liquid:
    @init
    def new(self, owner_id, validator_id):  # expect: NS111, NS117
        Storage.set("owner", owner_id)
        Storage.set("validator", validator_id)
        Storage.set("total_shares", "0")

    @call
    def deposit(self):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        if amount == 0:
            raise Exception("attach NEAR")
        total = int(Storage.get_string("total_shares"))
        pooled = Context.account_balance() - amount
        shares = amount if total == 0 else amount * total // pooled  # expect: NS119
        Storage.set("shares:" + user, str(int(Storage.get_string("shares:" + user) or "0")
                                          + shares))
        Storage.set("total_shares", str(total + shares))

    @call
    def stake(self, amount):  # expect: NS112
        if Context.predecessor_account_id() != Storage.get_string("owner"):
            raise Exception("owner only")
        return CrossContract(Storage.get_string("validator"), gas=50 * ONE_TGAS,
                             deposit=int(amount)).call("deposit_and_stake").gas(
            30 * ONE_TGAS).then("on_staked", amount=str(amount)).value()

    @callback
    def on_staked(self, result, amount):
        if result.success:
            Storage.set("staked", str(int(Storage.get_string("staked") or "0") + int(amount)))

    @call
    def move_to(self, validator_id):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        return CrossContract(validator_id, gas=50 * ONE_TGAS, deposit=amount).call(  # expect: NS114
            "deposit_and_stake").gas(30 * ONE_TGAS).then(
            "on_moved", user=user, amount=str(amount)).value()

    @callback
    def on_moved(self, result, user, amount):
        if not result.success:
            Promise.create_batch(user).transfer(int(amount))

    @view
    def shares_of(self, account_id):
        return Storage.get_string("shares:" + account_id) or "0"
