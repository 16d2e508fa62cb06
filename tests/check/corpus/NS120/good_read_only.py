"""Views only read; the payout is a @call."""
import near

from near_safe import ACCOUNT, call, claim, claimable, state, view


@view(args={"account_id": ACCOUNT})
def balance_of(account_id):
    return str(state.balance("staked", account_id))


@view(args={"account_id": ACCOUNT})
def claimable_of(account_id):
    return str(claimable(account_id))


@view
def pending():
    seq = near.storage_read("_ns:seq")
    return 0 if seq is None else int(seq)


@call
def claim_refund():
    return claim()
