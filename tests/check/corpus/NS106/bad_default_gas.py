"""CrossContract's default gas (10 Tgas) also becomes the callback's gas."""
from near_sdk_py import CrossContract, view
from near_sdk_py.promises import callback


class Reader:
    @view
    def read(self):
        return CrossContract("data.near").call("get").then("on_read").value()  # expect: NS106

    @callback
    def on_read(self, result):
        return result.data if result.success else None
