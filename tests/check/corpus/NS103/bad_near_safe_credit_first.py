"""near_safe imported but its ledger credited by hand before the call (instead of credit=)."""
import near

from near_safe import call, callback, safe_call, state


@call(payable=True)
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    state.credit("staked", user, amount)  # expect: NS103
    return safe_call("pool.near", "deposit_and_stake", deposit=amount, then="on_staked",
                     refund=amount)


@callback
def on_staked(result):
    return result.ok
