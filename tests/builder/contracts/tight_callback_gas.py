"""A callback reserved 4 Tgas in a contract that imports near_sdk_py: the import alone (every
call pays it) leaves too little for the settlement's refund (issue 14, item 5).  The test builds
it with and without the near_sdk_py import."""

import near
import near_sdk_py  # noqa: F401  (the import is the point)

from near_safe import TGAS, call, callback, safe_call

RESERVED = 4 * TGAS


@call(payable=True)
def go(pool: AccountId):
    return safe_call(pool, "deposit_and_stake", deposit=near.attached_deposit(), then="on_done",
                     refund=near.attached_deposit(), callback_gas=RESERVED)


@callback
def on_done(result):
    return result.ok
