"""The builder's settle(credit=) credits the stake at settlement and the callback credits it
again by hand: every stake counts twice."""
import near

from near_safe import CrossContract, call, callback, operation, state

STAKED = "staked"


@call(payable=True)
def stake():
    amount = near.attached_deposit()
    return (CrossContract(state.get("pool")).deposit(amount).call("deposit_and_stake")
            .settle(refund=amount, credit=STAKED).then("on_staked", amount=str(amount)))


@callback(args={"amount": "amount"})
def on_staked(result, amount):
    if result.ok:
        state.credit(STAKED, operation().caller, int(amount))  # expect: NS118
    return result.ok
