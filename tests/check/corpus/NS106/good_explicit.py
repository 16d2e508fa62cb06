"""Explicit callback gas sized for MicroPython."""
import near
from near_sdk_py import ONE_TGAS, CrossContract, view
from near_sdk_py.promises import callback


class Reader:
    @view
    def read(self):
        return CrossContract("data.near", gas=20 * ONE_TGAS).call("get").gas(
            25 * ONE_TGAS).then("on_read").value()

    @view
    def read_raw(self):
        p = near.promise_create("data.near", "get", "{}", 0, 30 * ONE_TGAS)
        near.promise_return(near.promise_then(p, near.current_account_id(), "on_read", "{}", 0,
                                              40 * ONE_TGAS))

    @callback
    def on_read(self, result):
        return result.data if result.success else None
