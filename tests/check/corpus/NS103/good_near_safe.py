"""near_safe's deferred credit: the ledger is credited in the callback, after success."""
import near

from near_safe import ACCOUNT, call, callback, safe_call, state, view


@call(payable=True)
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    return safe_call("pool.near", "deposit_and_stake", deposit=amount, then="on_staked",
                     refund=amount, credit="staked", lock=user)


@callback
def on_staked(result):
    return result.ok


@view(args={"account_id": ACCOUNT})
def staked_of(account_id):
    return str(state.balance("staked", account_id))
