"""A batch callback without gas gets PromiseBatch's default 5 Tgas."""
from near_sdk_py import ONE_TGAS, Context, Promise, view
from near_sdk_py.promises import callback


class Reader:
    @view
    def read(self):
        Promise.create_batch("data.near").function_call(  # expect: NS106
            "get", {}, 0, 30 * ONE_TGAS).then(Context.current_account_id()).function_call(
            "on_read", {})

    @callback
    def on_read(self, result):
        return result.data if result.success else None
