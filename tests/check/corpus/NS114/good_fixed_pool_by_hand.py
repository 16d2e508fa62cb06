"""A raw vault staking with the pool the owner configured (not one the caller names): when
that pool fails, NEAR returns the deposit here and the callback passes it on."""
import json

import near

TGAS = 10**12


@near.export
def stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    if amount == 0:
        near.panic_utf8("attach a deposit")
    pool = near.storage_read("pool")
    p = near.promise_create(pool, "deposit_and_stake", "{}", amount, 50 * TGAS)
    near.promise_then(p, near.current_account_id(), "on_staked",
                      json.dumps({"user": user, "amount": str(amount)}), 0, 30 * TGAS)


@near.export
def on_staked():
    if near.predecessor_account_id() != near.current_account_id():
        near.panic_utf8("private")
    args = json.loads(near.input())
    status, _ = near.promise_result(0)
    if status == 1:
        key = "staked:" + args["user"]
        near.storage_write(key, str(int(near.storage_read(key) or "0") + int(args["amount"])))
    else:
        p = near.promise_batch_create(args["user"])
        near.promise_batch_action_transfer(p, int(args["amount"]))
