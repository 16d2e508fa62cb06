"""near-sdk-py's @callback checks predecessor == current account itself."""
from near_sdk_py import ONE_TGAS, CrossContract, view
from near_sdk_py.promises import callback


class Proxy:
    @view
    def fetch(self, account_id):
        return CrossContract("registry.near", gas=20 * ONE_TGAS).call(
            "lookup", account_id=account_id).gas(30 * ONE_TGAS).then("on_fetch").value()

    @callback
    def on_fetch(self, result):
        return result.data if result.success else None
