"""The in-flight data travels in the callback's arguments: nothing shared in storage."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, Storage, call
from near_sdk_py.promises import callback


class Swap:
    @call
    def swap(self, amount):
        if Context.attached_deposit() != 0:
            raise Exception("no deposit")
        user = Context.predecessor_account_id()
        Storage.set("swaps", str(int(Storage.get_string("swaps") or "0") + 1))
        return CrossContract("amm.near", gas=50 * ONE_TGAS).call("swap", amount=amount).gas(
            30 * ONE_TGAS).then("on_swap", user=user).value()

    @callback
    def on_swap(self, result, user):
        if result.success:
            Storage.set("out:" + user, str(result.data))
