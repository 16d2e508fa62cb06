"""A class-based contract whose callback is a @view: callable by anyone."""
from near_sdk_py import ONE_TGAS, CrossContract, view


class Proxy:
    @view
    def fetch(self, account_id):
        return CrossContract("registry.near", gas=20 * ONE_TGAS).call(
            "lookup", account_id=account_id).gas(30 * ONE_TGAS).then("on_fetch").value()

    @view
    def on_fetch(self, data=None):  # expect: NS101
        return data
