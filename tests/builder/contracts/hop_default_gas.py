"""A callback that sends a second call, with the default reserved gas (issue 14, item 5): the
second call's gas check inside the callback could never pass (near-sdk-py hands a callback the
outgoing call's gas; near_safe reserves CALLBACK_GAS unless told).  The build refuses it."""

from near_safe import CrossContract, call, callback


class Relay:
    @call
    def ask(self, first: AccountId, second: AccountId):
        return CrossContract(first).call("get", key="k").then("on_first", second=second)

    @callback
    def on_first(self, result, second: str):
        if result.ok:
            return result.value
        return CrossContract(second).call("get", key="k").then("on_second")

    @callback
    def on_second(self, result):
        return result.value
