"""A raw promise_then with a Rust-sized 5 Tgas callback."""
import near
from near_sdk_py import view
from near_sdk_py.promises import callback

TGAS = 10**12
CALLBACK_GAS = 5 * TGAS


class Reader:
    @view
    def read(self):
        p = near.promise_create("data.near", "get", "{}", 0, 30 * TGAS)
        q = near.promise_then(p, near.current_account_id(), "on_read", "{}", 0,  # expect: NS106
                              CALLBACK_GAS)
        near.promise_return(q)

    @callback
    def on_read(self, result):
        return result.data if result.success else None
