"""A consumer that asks the oracle for a price and keeps the last good one.  No money moves, so
``safe_call`` takes no refund/credit/debit; it still checks gas up front, reserves the
callback's gas, and the callback is private and receives a typed, size-bounded result."""

from near_safe import ACCOUNT, AMOUNT, STR, call, callback, init, safe_call, state, view


@init(private=True, args={"oracle": ACCOUNT})
def new(oracle):
    state.set("oracle", oracle)


@call(args={"asset": STR})
def refresh(asset):
    return safe_call(state.get("oracle"), "get_price", {"asset": asset},
                     then="on_price", then_args={"asset": asset})


@callback(result=AMOUNT, max_result=100, args={"asset": STR})
def on_price(result, asset):
    # result.value is already an int here: AMOUNT checked it is a decimal string.
    if result.ok:
        state.set("price:" + asset, str(result.value))
    return {"asset": asset, "ok": result.ok, "error": result.error}


@view(args={"asset": STR})
def price_of(asset):
    return state.get("price:" + asset)
