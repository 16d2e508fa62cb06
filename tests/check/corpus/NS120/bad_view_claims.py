"""A "convenience" view that pays out waiting refunds and harvests rewards while it reads
them: called as a transaction it moves money with none of a @call's checks."""

from near_safe import ACCOUNT, callback, claim, claimable, safe_call, state, view


@view(args={"account_id": ACCOUNT})
def balance_of(account_id):
    if claimable(account_id):
        claim()  # expect: NS120
    return str(state.balance("staked", account_id))


@view
def rewards():
    return safe_call("farm.near", "harvest", then="on_harvest")  # expect: NS120


@callback
def on_harvest(result):
    return result.value if result.ok else None
