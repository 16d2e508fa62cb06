"""A read-only proxy: no deposit, no state change, the result goes back to the caller."""
from near_sdk_py import ONE_TGAS, CrossContract, view


class Proxy:
    @view
    def total_supply(self):
        return CrossContract("token.near", gas=10 * ONE_TGAS).call("ft_total_supply").value()
