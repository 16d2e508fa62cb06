"""A contract whose refunds can become claimable and that exports no claim method of its own:
the builder exports claim_refund for it (issue 14, item 5)."""

import near

from near_safe import call, claimable, refund, view


@call(payable=True)
def park():
    refund(near.predecessor_account_id(), near.attached_deposit(), True)  # held: claimable


@view
def owed(account_id: AccountId):
    return str(claimable(account_id))
