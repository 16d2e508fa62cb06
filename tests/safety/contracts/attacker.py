"""Another contract that calls a victim's callback directly (it must be refused)."""

import json

import near

import _rawnear  # noqa: F401  (raw promise arguments on either backend)

from near_safe import ACCOUNT, ANY, STR, call


@call(args={"victim": ACCOUNT, "method": STR, "args": ANY})
def poke(victim, method, args):
    # 80 Tgas: nearc 0.10's CPython backend's start-up alone burns about 40
    p = near.promise_create(victim, method, json.dumps(args), 0, 80 * 10**12)
    near.promise_return(p)
