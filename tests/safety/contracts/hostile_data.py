"""Contract of tests/safety/test_hostile_data.py: callbacks of every shape settling an
operation whose callee answers hostile bytes, and methods that try to write inf.

Each ``ask`` opens one operation: the lock "L", and a credit of 5 to the caller's ledger
"credited" on success - so a settlement that committed leaves the lock released and the
credit applied, and one that was lost leaves the lock held."""

import near

from near_safe import (ANY, CALLBACK_GAS, INT, LIST, STR, TGAS, call, callback, operation,
                       optional, safe_call, state, view)

ANSWERER = "answerer.near"


@call(args={"cb": STR, "tgas": optional(INT)})
def ask(cb, tgas=10):
    # tgas: the callback's gas as MicroPython counts it (10: near_safe's CALLBACK_GAS there).
    # nearc 0.10's CPython backend's start-up burns about 40 Tgas more (its CALLBACK_GAS is
    # 50): the same body budget is CALLBACK_GAS - 10 Tgas more there
    return safe_call(ANSWERER, "answer", then=cb, lock="L",
                     callback_gas=(tgas - 10) * TGAS + CALLBACK_GAS,
                     credit=("credited", near.predecessor_account_id(), 5))


def _seen(result, read):
    v = result.value if read else None
    state.set("seen", [result.succeeded, result.ok, result.error, v is None])
    return result.ok


@callback
def plain(result):
    return _seen(result, False)


@callback
def reads(result):
    return _seen(result, True)


@callback(result=ANY)
def typed(result):
    return _seen(result, False)


@callback(result=LIST)
def typed_reads(result):
    return _seen(result, True)


@callback(max_result=16000)
def big_reads(result):
    return _seen(result, True)


def _value(n, result):
    return _value(n - 1, result) if n else result.value


@callback
def reads_twice(result):
    a = result.value
    b = _value(2, result)
    try:
        raise ValueError("an ordinary exception, raised and caught by Python")
    except ValueError:
        pass
    state.set("seen", [result.succeeded, result.ok, result.error, a is None and b is None])


@callback(result=ANY)
def typed_twice(result):
    a = result.value
    b = _value(2, result)
    try:
        raise ValueError("an ordinary exception, raised and caught by Python")
    except ValueError:
        pass
    state.set("seen", [result.succeeded, result.ok, result.error, a is None and b is None])


@callback
def adjusts(result):
    """Reads the value to decide the operation's credit (here: the default either way)."""
    op = operation()
    if result.value is None:
        op.credit = 5
    state.set("seen", [result.succeeded, result.ok, result.error, result.value is None])
    return str(op.credit)


@view
def settled():
    """[lock held, credited to alice, what the last callback body saw]"""
    return [state.has("_ns:lock:L"), state.balance("credited", "alice.near"), state.get("seen")]


# --- inputs ----------------------------------------------------------------------------------


@call(args={"xs": LIST})
def count(xs):
    return len(xs)


@call(args={"v": ANY})
def keep(v):
    state.set("kept", v)
    return v


# --- non-finite numbers on the way out ----------------------------------------------------------


@call(args={"x": STR})
def store_float(x):
    state.set("f", {"x": float(x)})


@call(args={"x": STR})
def return_float(x):
    return [float(x)]


@call(one_yocto=True, args={"x": STR})
def then_float(x):
    """A then_args value the contract computed: inf must never reach the callback's input."""
    return safe_call(ANSWERER, "answer", then="on_referral", lock="shared",
                     credit=("credited", near.predecessor_account_id(), 5),
                     then_args={"referral": {"score": float(x)}})


@call(args={"x": STR})
def call_args_float(x):
    return safe_call(ANSWERER, "answer", {"score": float(x)}, then="plain", lock="L")


@callback(args={"referral": ANY})
def on_referral(result, referral):
    return referral


@callback
def returns_inf(result):
    """A callback body whose return value cannot be written: contained like a raising body."""
    return [float("1e400")]


@view
def shared_locked():
    return state.has("_ns:lock:shared")
