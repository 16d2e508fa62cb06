"""(copy of tests/safety/contracts/vault.py) The deposit-and-stake flow of NEAR's callback guidance, and a token withdraw flow, written
with near_safe.  Also the methods the safety tests need (every input kind, views, one-yocto,
private, a callback that raises on demand, a size-bounded typed callback, multi_callback)."""

import json

import near

import _rawnear  # noqa: F401  (raw promise arguments on either backend)

from near_safe import (
    ACCOUNT,
    AMOUNT,
    ANY,
    BOOL,
    INT,
    STR,
    assert_unlocked,
    call,
    callback,
    claim,
    claimable,
    init,
    multi_callback,
    operation,
    optional,
    refund,
    require,
    safe_call,
    state,
    view,
)

STAKED = "staked"  # NEAR credited only after the staking pool accepted it
TOKENS = "tokens"  # token units the vault holds for each user


@init(args={"staking": ACCOUNT, "token": ACCOUNT})
def new(staking, token):
    state.set("cfg", [staking, token])


# --- deposit and stake ----------------------------------------------------------------------


@call(payable=True)
def deposit_and_stake():
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    require(amount > 0, "Attach the NEAR to stake")
    return safe_call(
        state.get("cfg")[0], "deposit_and_stake", deposit=amount,
        then="on_staked", refund=amount, credit=STAKED, lock=user,
    )


@callback
def on_staked(result):
    if state.get("raise_in_callback", False):
        state.set("written_by_raising_body", True)
        raise ValueError("boom")
    return result.ok


@call(args={"amount": AMOUNT})
def withdraw(amount):
    """Take staked NEAR back (a plain transfer to the caller, who exists)."""
    user = near.predecessor_account_id()
    assert_unlocked(user)
    state.debit(STAKED, user, amount)
    p = near.promise_batch_create(user)
    near.promise_batch_action_transfer(p, amount)


@view(args={"account_id": ACCOUNT})
def staked_of(account_id):
    return str(state.balance(STAKED, account_id))


@call(payable=True, args={"own_gas": INT})
def deposit_and_stake_own_gas(own_gas):
    """The same flow with safe_call's own_gas set by the caller (the bench measures with 0
    what the method really needs after the check)."""
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    return safe_call(
        state.get("cfg")[0], "deposit_and_stake", deposit=amount,
        then="on_staked", refund=amount, credit=STAKED, lock=user, own_gas=own_gas,
    )


@call(payable=True, args={"n": INT})
def deposit_and_stake_loud(n):
    """Same flow against a pool that answers with n bytes."""
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    return safe_call(
        state.get("cfg")[0], "deposit_and_stake_loud", {"n": n}, deposit=amount,
        then="on_staked", refund=amount, credit=STAKED, lock=user,
    )


@call(payable=True)
def deposit_and_stake_strict():
    """Same flow; the callback treats any answer but true as a failure (set_ok(False))."""
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    return safe_call(  # expect: NS114
        state.get("cfg")[0], "deposit_and_stake_loud", {"n": 10}, deposit=amount,
        then="on_staked_strict", refund=amount, credit=STAKED, lock=user,
    )


@callback
def on_staked_strict(result):
    if result.value is not True:
        operation().set_ok(False)
    return operation().ok


@call(payable=True)
def deposit_and_stake_half():
    """Same flow; the callback body tries to change the settlement: half credited, half
    refunded - but the deposit left with the call, so there is nothing to refund."""
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    return safe_call(  # expect: NS114
        state.get("cfg")[0], "deposit_and_stake", deposit=amount,
        then="on_staked_half", refund=amount, credit=STAKED, lock=user,
    )


@callback
def on_staked_half(result):
    op = operation()
    if op.ok:
        op.refund = op.credit // 2
        op.credit -= op.refund
    return [op.caller, op.ok, str(op.credit), str(op.refund)]


@call(payable=True)
def deposit_and_stake_pull():
    """Same flow with claimable=True (pull refunds; they apply to what the vault holds)."""
    user = near.predecessor_account_id()
    amount = near.attached_deposit()
    return safe_call(
        state.get("cfg")[0], "deposit_and_stake", deposit=amount,
        then="on_staked", refund=amount, claimable=True, credit=STAKED, lock=user,
    )


@call(private=True, args={"account_id": ACCOUNT, "amount": AMOUNT, "hold": optional(BOOL)})
def pay_out(account_id, amount, hold=False):
    return refund(account_id, amount, hold)


@call
def claim_refund():
    return claim()


@view(args={"account_id": ACCOUNT})
def claimable_of(account_id):
    return str(claimable(account_id))


# --- token withdraw: debit with rollback ------------------------------------------------------


@call(private=True, args={"account_id": ACCOUNT, "amount": AMOUNT})
def credit_tokens(account_id, amount):
    state.credit(TOKENS, account_id, amount)


@call(args={"amount": AMOUNT})
def withdraw_tokens(amount):
    user = near.predecessor_account_id()
    return safe_call(
        state.get("cfg")[1], "ft_transfer", {"receiver_id": user, "amount": str(amount)},
        deposit=1, then="on_tokens_sent", debit=(TOKENS, user, amount), lock=user,
    )


@callback
def on_tokens_sent(result):
    return result.ok


@view(args={"account_id": ACCOUNT})
def tokens_of(account_id):
    return str(state.balance(TOKENS, account_id))


# --- typed, size-bounded results; multi_callback --------------------------------------------


@call(args={"n": INT})
def fetch_blob(n):
    return safe_call(state.get("cfg")[0], "blob", {"n": n}, then="on_blob")


@callback(max_result=100, result=STR)
def on_blob(result):
    return [result.ok, result.error, len(result.value) if result.ok else None]


@call(args={"n": INT})
def fetch_number(n):
    return safe_call(state.get("cfg")[0], "number", {"n": n}, then="on_number",
                     then_args={"label": "n"})


@call
def fetch_blob_as_number():
    return safe_call(state.get("cfg")[0], "blob", {"n": 3}, then="on_number",
                     then_args={"label": "n"})


@callback(result=INT, args={"label": STR})
def on_number(result, label):
    return {label: result.value, "ok": result.ok, "error": result.error}


@call
def fetch_two():
    staking = state.get("cfg")[0]
    a = near.promise_create(staking, "number", '{"n": 1}', 0, 50 * 10**12)
    b = near.promise_create(staking, "number", '{"n": 2}', 0, 50 * 10**12)
    c = near.promise_then(near.promise_and([a, b]), near.current_account_id(), "on_two", "{}",
                          0, 80 * 10**12)  # CPython backend: start-up alone ~40 Tgas
    near.promise_return(c)


@multi_callback
def on_two(results):
    return [r.value for r in results]


@call
def call_callback_without_promise():
    """The contract calls its own callback with no promise result: must be refused."""
    p = near.promise_create(near.current_account_id(), "on_staked", "{}", 0, 80 * 10**12)
    near.promise_return(p)


# --- inputs, deposits, views ------------------------------------------------------------------


@call(args={"n": INT, "s": STR, "b": BOOL, "a": AMOUNT, "acct": ACCOUNT, "memo": optional(STR),
            "extra": optional(ANY)})
def echo(n, s, b, a, acct, memo="none", extra=None):
    state.set("echo", [n, s, b, str(a), acct, memo])
    return [n, s, b, str(a + 1), acct, memo]


@call(one_yocto=True, args={"flag": BOOL})
def set_raise_in_callback(flag):
    state.set("raise_in_callback", flag)


@view
def get_echo():
    return state.get("echo")


@view
def view_that_writes():
    state.set("x", 1)  # expect: NS120


@view(args={"key": STR})
def get_key(key):
    return state.get(key)


@call
def fail_with_contract_error():
    require(False, "custom failure")


@call
def fail_with_exception():
    return int("not a number")


@view
def raw_state_echo():
    return json.loads(near.storage_read("cfg"))


@call
def call_with_unknown_callback():
    return safe_call(state.get("cfg")[0], "number", {"n": 1}, then=UNKNOWN_CB)


@call
def call_with_wrong_callback_args():
    return safe_call(state.get("cfg")[0], "number", {"n": 1}, then="on_number",
                     then_args={"label": int("5")})


@call
def settle_unknown_operation():
    """A callback carrying settlement data for an operation that is not in flight (already
    settled, or never started): near_safe refuses to settle it."""
    staking = state.get("cfg")[0]
    # 80 Tgas: nearc 0.10's CPython backend's start-up alone burns about 40
    p = near.promise_create(staking, "number", '{"n": 1}', 0, 10 * 10**12)
    c = near.promise_then(p, near.current_account_id(), "on_staked", '{"_ns": 999}', 0,
                          80 * 10**12)
    near.promise_return(c)


# not a callback of this contract: a name (not a literal) so the build check leaves it to the
# in-Wasm backstop that call_with_unknown_callback exercises
UNKNOWN_CB = "on_nothing"
