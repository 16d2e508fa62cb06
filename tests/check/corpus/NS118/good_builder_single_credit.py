"""The builder's settle(credit=) is the only credit: the callback only reports the outcome."""
import near

from near_safe import CrossContract, call, callback, state

STAKED = "staked"


@call(payable=True)
def stake():
    amount = near.attached_deposit()
    return (CrossContract(state.get("pool")).deposit(amount).call("deposit_and_stake")
            .settle(refund=amount, credit=STAKED).then("on_staked"))


@callback
def on_staked(result):
    return result.ok
