"""An amount parameter declared int: JSON clients send numbers above 2^53 imprecisely."""
from near_safe import ACCOUNT, call, state


@call(args={"account_id": ACCOUNT})
def set_allowance(account_id, amount: int):  # expect: NS113
    state.set("allowance:" + account_id, str(amount))
