"""A seller's contract written to cheat the market: it accepts the call (its receipt succeeds,
so it keeps the attached payment) and then returns a promise that fails.  The market's callback
sees a failure - exactly what it sees when a real sale fails - but this time the payment did not
come back.  A market that "refunds" on every failure pays the buyer out of its own balance."""

import near

from near_safe import ANY, STR, call


@call(payable=True, args={"item": STR, "buyer": ANY})
def sell(item, buyer):
    # keep the NEAR; answer with a promise to a method that does not exist
    p = near.promise_create(near.current_account_id(), "no_such_method", "{}", 0, 2 * 10**12)
    near.promise_return(p)
