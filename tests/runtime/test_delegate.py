"""Delegate actions (NEP-366 meta transactions) on the embedded runtime: a relayer's
transaction to the user carries the user's SignedDelegateAction; the inner actions run as a
receipt from the user, paid by the relayer (nearcore runtime/runtime/src/actions.rs
``apply_delegate_action``, verifier.rs / action_validation.rs, config.rs fees)."""

import pytest
from nacl.signing import SigningKey
from rtwat import SCRATCH, Wat, store_register

from near_safe.testing import (NEAR, TGAS, AccessKey, AddKey, DelegateAction, FunctionCall,
                               InvalidTransaction, Runtime, SignedDelegateAction, Transfer)
from near_safe.testing._fees import exec_fee, receipt_exec_fee, send_fee

USER_KEY = SigningKey(bytes(range(32)))
USER_PK = b"\x00" + bytes(USER_KEY.verify_key)
RELAYER_KEY = SigningKey(bytes(range(1, 33)))
RELAYER_PK = b"\x00" + bytes(RELAYER_KEY.verify_key)


def _contract() -> str:
    w = Wat()
    # who: records predecessor and signer, returns the predecessor
    w.method("who", f"""
    (call $predecessor_account_id (i64.const 0)) {store_register(w, "predecessor")}
    (call $signer_account_id (i64.const 0)) {store_register(w, "signer")}
    (call $predecessor_account_id (i64.const 0))
    (call $read_register (i64.const 0) (i64.const {SCRATCH}))
    (call $value_return (call $register_len (i64.const 0)) (i64.const {SCRATCH}))""")
    w.method("boom", f"(call $panic_utf8 {w.s('boom')})")
    return w.build()


@pytest.fixture
def world():
    rt = Runtime(mode="wasm")
    rt.create_account("user.near", balance=10 * NEAR, public_key=USER_PK)
    rt.create_account("relayer.near", balance=100 * NEAR, public_key=RELAYER_PK)
    rt.deploy("app.near", _contract().encode())
    return rt


def delegate(rt, actions, *, receiver="app.near", nonce=None, max_block_height=None,
             key=USER_KEY, public_key=USER_PK, sender="user.near"):
    if nonce is None:
        nonce = rt.access_keys(sender)[public_key].nonce + 1
    if max_block_height is None:
        max_block_height = rt.height + 100
    da = DelegateAction(sender, receiver, list(actions), nonce, max_block_height, public_key)
    return SignedDelegateAction(da, key.sign(da.hash).signature)


def call_who():
    return FunctionCall("who", b"", 30 * TGAS)


def relay(rt, signed, to="user.near"):
    return rt.execute("relayer.near", to, [signed], public_key=RELAYER_PK)


def test_a_relayer_pays_for_the_users_call(world):
    rt = world
    user_before, relayer_before = rt.balance("user.near"), rt.balance("relayer.near")
    out = relay(rt, delegate(rt, [call_who()]))
    assert out.succeeded, out
    inner = out.receipt(method="who")
    assert inner.predecessor == "user.near" and inner.signer == "relayer.near"
    # the relayer's transaction ends with the delegate action's own (empty) result, as in
    # nearcore: the inner receipt is not its return value
    assert inner.value == "user.near" and out.value is None
    storage = rt.storage("app.near")
    assert storage[b"predecessor"] == b"user.near" and storage[b"signer"] == b"relayer.near"
    # the user pays nothing; the relayer pays everything that was burnt
    assert rt.balance("user.near") == user_before
    assert relayer_before - rt.balance("relayer.near") == out.tokens_burnt
    # the user's key took the delegate's nonce
    assert rt.access_keys("user.near")[USER_PK].nonce == 1


def test_the_delegate_receipt_burns_its_fees_and_the_inner_send_fees(world):
    rt = world
    signed = delegate(rt, [call_who()])
    out = relay(rt, signed)
    cfg = rt.config
    outer = out.receipts[0]
    assert outer.receiver == "user.near" and outer.actions == ("SignedDelegateAction",)
    inner_send = send_fee(cfg, call_who(), False, "app.near")  # user.near -> app.near
    assert outer.gas_burnt == (receipt_exec_fee(cfg) + exec_fee(cfg, signed, "user.near")
                               + inner_send)
    # conversion burnt the delegate's send fee and (again) the inner send fees
    assert out.conversion_gas_burnt == (cfg.action_fees["action_receipt_creation"].send(False)
                                        + send_fee(cfg, signed, False, "user.near"))
    assert send_fee(cfg, signed, False, "user.near") == (
        cfg.action_fees["delegate"].send_not_sir + inner_send)


def test_an_expired_delegate_action_fails_and_changes_nothing(world):
    rt = world
    out = relay(rt, delegate(rt, [call_who()], max_block_height=rt.height))
    failure = out.receipts[0].failure
    assert failure.kind == "DelegateActionExpired"
    assert not out.find(method="who")
    assert rt.access_keys("user.near")[USER_PK].nonce == 0
    assert b"predecessor" not in rt.storage("app.near")


def test_a_bad_signature_fails(world):
    rt = world
    good = delegate(rt, [call_who()])
    forged = SignedDelegateAction(good.delegate_action, RELAYER_KEY.sign(
        good.delegate_action.hash).signature)
    out = relay(rt, forged)
    assert out.receipts[0].failure.kind == "DelegateActionInvalidSignature"
    # a signature over other actions does not carry over either
    other = delegate(rt, [FunctionCall("boom", b"", 30 * TGAS)])
    out = relay(rt, SignedDelegateAction(good.delegate_action, other.signature))
    assert out.receipts[0].failure.kind == "DelegateActionInvalidSignature"
    assert not out.find(method="who")
    assert rt.access_keys("user.near")[USER_PK].nonce == 0


def test_a_replayed_delegate_action_fails_on_its_nonce(world):
    rt = world
    signed = delegate(rt, [call_who()])
    assert relay(rt, signed).succeeded
    before = rt.storage("app.near")
    out = relay(rt, signed)
    failure = out.receipts[0].failure
    assert failure.kind == "DelegateActionInvalidNonce"
    assert failure.data == {"delegate_nonce": 1, "ak_nonce": 1}
    assert not out.find(method="who") and rt.storage("app.near") == before


def test_a_nonce_too_large_fails(world):
    rt = world
    out = relay(rt, delegate(rt, [call_who()], nonce=10**15))
    failure = out.receipts[0].failure
    assert failure.kind == "DelegateActionNonceTooLarge"
    assert failure.data["upper_bound"] == failure.data["upper_bound"] // 10**6 * 10**6 > 0


def test_the_sender_must_be_the_transactions_receiver(world):
    rt = world
    out = relay(rt, delegate(rt, [call_who()]), to="relayer.near")
    failure = out.receipts[0].failure
    assert failure.kind == "DelegateActionSenderDoesNotMatchTxReceiver"
    assert failure.data == {"sender_id": "user.near", "receiver_id": "relayer.near"}


def test_an_unknown_key_fails_with_access_key_not_found(world):
    rt = world
    stranger = SigningKey(bytes(32))
    pk = b"\x00" + bytes(stranger.verify_key)
    out = relay(rt, delegate(rt, [call_who()], key=stranger, public_key=pk, nonce=1))
    failure = out.receipts[0].failure
    assert (failure.kind, failure.detail) == ("DelegateActionAccessKeyError", "AccessKeyNotFound")


def test_a_function_call_key_may_delegate_only_its_call(world):
    rt = world
    fc_key = SigningKey(bytes([7] * 32))
    fc_pk = b"\x00" + bytes(fc_key.verify_key)
    rt.execute("user.near", "user.near", [AddKey(fc_pk, AccessKey(
        allowance=NEAR, receiver_id="app.near", method_names=["who"]))], public_key=USER_PK)
    ok = relay(rt, delegate(rt, [call_who()], key=fc_key, public_key=fc_pk))
    assert ok.succeeded, ok
    cases = [([FunctionCall("boom", b"", 30 * TGAS)], "MethodNameMismatch"),
             ([FunctionCall("who", b"", 30 * TGAS, deposit=1)], "DepositWithFunctionCall"),
             ([Transfer(deposit=1)], "RequiresFullAccess")]
    for actions, detail in cases:
        out = relay(rt, delegate(rt, actions, key=fc_key, public_key=fc_pk))
        failure = out.receipts[0].failure
        assert (failure.kind, failure.detail) == ("DelegateActionAccessKeyError", detail)


def test_a_failing_inner_call_returns_the_deposit_to_the_sender(world):
    rt = world
    user_before = rt.balance("user.near")
    out = relay(rt, delegate(rt, [FunctionCall("boom", b"", 30 * TGAS, deposit=NEAR)]))
    assert out.receipt(method="boom").failure.kind == "FunctionCallError"
    # the relayer paid the deposit; it comes back to the predecessor, the user
    assert rt.balance("user.near") == user_before + NEAR
    refund = [r for r in out.refunds if r.receiver == "user.near"]
    assert refund and refund[0].deposit == NEAR


def test_only_one_delegate_action_per_transaction(world):
    rt = world
    a = delegate(rt, [call_who()])
    b = delegate(rt, [call_who()], nonce=2)
    with pytest.raises(InvalidTransaction, match="DelegateActionMustBeOnlyOne"):
        rt.execute("relayer.near", "user.near", [a, b], public_key=RELAYER_PK)


def test_the_inner_actions_are_validated_with_the_transaction(world):
    rt = world
    too_much = delegate(rt, [FunctionCall("who", b"", 2 * rt.config.limits[
        "max_total_prepaid_gas"])])
    with pytest.raises(InvalidTransaction, match="TotalPrepaidGasExceeded"):
        relay(rt, too_much)


def test_a_sender_that_does_not_exist_fails_before_any_check(world):
    rt = world
    signed = delegate(rt, [call_who()], sender="ghost.near", nonce=1)
    out = rt.execute("relayer.near", "ghost.near", [signed], public_key=RELAYER_PK)
    failure = out.receipts[0].failure
    assert failure.kind == "AccountDoesNotExist" and failure.data == {"account_id": "ghost.near"}
