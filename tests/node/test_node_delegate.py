"""Delegate actions (NEP-366 meta transactions) through the node: Borsh action 8 decoded,
run by the runtime (tests/runtime/test_delegate.py), answered in nearcore's shapes; and a
real client, near-api-js (createSignedMetaTransaction + actions.signedDelegate), relaying a
user's call, and near-kit (Near.sign_delegate + send_delegate) doing the same."""

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from nacl.signing import SigningKey
from noderpc import ROOT_KEY, key_text, result, rpc, send_final, signed

from near_safe.testing import (NEAR, TGAS, AccessKey, AddKey, CreateAccount, DelegateAction,
                               DeployContract, FunctionCall, SignedDelegateAction, Transfer)
from near_safe.testing._transactions import borsh_action

from jsclient import js_folder

USER_KEY = SigningKey(bytes([9] * 32))
USER_PK = b"\x00" + bytes(USER_KEY.verify_key)

# who(): returns the predecessor's account id; boom(): panics
APP_WAT = """(module
  (import "env" "predecessor_account_id" (func $pred (param i64)))
  (import "env" "read_register" (func $read (param i64 i64)))
  (import "env" "register_len" (func $len (param i64) (result i64)))
  (import "env" "value_return" (func $ret (param i64 i64)))
  (import "env" "panic_utf8" (func $panic (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 512) "boom")
  (func (export "who") (call $pred (i64.const 0)) (call $read (i64.const 0) (i64.const 64))
    (call $ret (call $len (i64.const 0)) (i64.const 64)))
  (func (export "boom") (call $panic (i64.const 4) (i64.const 512))))"""


@pytest.fixture(scope="module")
def app_wasm():
    import wasmtime

    return wasmtime.wat2wasm(APP_WAT)




def setup(url, wasm):
    send_final(url, "sandbox", "app.sandbox", [CreateAccount(), Transfer(deposit=5 * NEAR),
                                         DeployContract(code=wasm)])
    send_final(url, "sandbox", "user.sandbox", [CreateAccount(), Transfer(deposit=NEAR),
                                          AddKey(public_key=USER_PK, access_key=AccessKey())])


def user_delegate(url, actions, nonce=None, max_block_height=None):
    ak = result(url, "query", {"request_type": "view_access_key", "account_id": "user.sandbox",
                               "public_key": key_text(USER_PK), "finality": "final"})
    height = result(url, "block", {"finality": "final"})["header"]["height"]
    da = DelegateAction("user.sandbox", "app.sandbox", list(actions),
                        ak["nonce"] + 1 if nonce is None else nonce,
                        height + 100 if max_block_height is None else max_block_height, USER_PK)
    return SignedDelegateAction(da, USER_KEY.sign(da.hash).signature)


def test_a_relayed_call_runs_as_the_user_and_the_relayer_pays(node, app_wasm):
    url = node.url
    setup(url, app_wasm)
    before = result(url, "query", {"request_type": "view_account",
                                   "account_id": "user.sandbox", "finality": "final"})
    sda = user_delegate(url, [FunctionCall("who", b"", 30 * TGAS)])
    out = send_final(url, "sandbox", "user.sandbox", [sda])
    assert out["status"] == {"SuccessValue": ""}
    (action,) = out["transaction"]["actions"]
    view = action["Delegate"]
    assert view["delegate_action"]["sender_id"] == "user.sandbox"
    assert view["delegate_action"]["actions"][0]["FunctionCall"]["method_name"] == "who"
    assert view["delegate_action"]["public_key"] == key_text(USER_PK)
    by_executor = {r["outcome"]["executor_id"]: r["outcome"]["status"]
                   for r in out["receipts_outcome"]}
    assert by_executor["app.sandbox"] == {
        "SuccessValue": base64.b64encode(b"user.sandbox").decode()}
    # EXPERIMENTAL_receipt: the inner receipt comes from the user, signed by the relayer
    (inner_id,) = [r["id"] for r in out["receipts_outcome"]
                   if r["outcome"]["executor_id"] == "app.sandbox"]
    inner = result(url, "EXPERIMENTAL_receipt", {"receipt_id": inner_id})
    assert (inner["predecessor_id"], inner["receiver_id"]) == ("user.sandbox", "app.sandbox")
    assert inner["receipt"]["Action"]["signer_id"] == "sandbox"
    outer = result(url, "EXPERIMENTAL_receipt", {"receipt_id": out["receipts_outcome"][0]["id"]})
    assert outer["receipt"]["Action"]["actions"] == [action]
    after = result(url, "query", {"request_type": "view_account",
                                  "account_id": "user.sandbox", "finality": "final"})
    assert after["amount"] == before["amount"]
    # a replay fails on its nonce, in nearcore's error shape, and runs nothing
    again = send_final(url, "sandbox", "user.sandbox", [sda])
    assert again["status"]["Failure"]["ActionError"]["kind"] == {
        "DelegateActionInvalidNonce": {"delegate_nonce": sda.delegate_action.nonce,
                                       "ak_nonce": sda.delegate_action.nonce}}
    assert len(again["receipts_outcome"]) == 2  # the failed delegate, the relayer's refund


def test_delegate_failures_have_nearcores_shapes(node, app_wasm):
    url = node.url
    setup(url, app_wasm)
    expired = user_delegate(url, [FunctionCall("who", b"", 30 * TGAS)], max_block_height=1)
    out = send_final(url, "sandbox", "user.sandbox", [expired])
    assert out["status"]["Failure"]["ActionError"] == {"index": 0,
                                                       "kind": "DelegateActionExpired"}
    stranger = SigningKey(bytes([3] * 32))
    da = expired.delegate_action
    forged = SignedDelegateAction(DelegateAction(da.sender_id, da.receiver_id, da.actions,
                                                 da.nonce, da.max_block_height + 10**6,
                                                 da.public_key), stranger.sign(da.hash).signature)
    out = send_final(url, "sandbox", "user.sandbox", [forged])
    assert out["status"]["Failure"]["ActionError"]["kind"] == "DelegateActionInvalidSignature"
    mine = user_delegate(url, [FunctionCall("who", b"", 30 * TGAS)])
    out = send_final(url, "sandbox", "test.near", [mine])
    assert out["status"]["Failure"]["ActionError"]["kind"] == {
        "DelegateActionSenderDoesNotMatchTxReceiver": {"sender_id": "user.sandbox",
                                                       "receiver_id": "test.near"}}
    # two delegate actions in one transaction: refused before anything runs
    b64, _ = signed(url, "sandbox", "user.sandbox", [mine, mine])
    err = rpc(url, "send_tx", {"signed_tx_base64": b64})["error"]
    assert err["data"] == {"TxExecutionError": {"InvalidTxError": {
        "ActionsValidation": "DelegateActionMustBeOnlyOne"}}}


def test_a_nested_delegate_action_is_refused_by_name(node, app_wasm):
    url = node.url
    setup(url, app_wasm)
    inner = user_delegate(url, [FunctionCall("who", b"", 30 * TGAS)])
    outer = user_delegate(url, [Transfer(deposit=1)])
    b64, _tx = signed(url, "sandbox", "user.sandbox", [outer])
    raw = base64.b64decode(b64)
    # splice the inner SignedDelegateAction in as the outer one's only action
    transfer = borsh_action(Transfer(deposit=1))
    assert raw.count(transfer) == 1
    body = raw[:-65].replace(transfer, borsh_action(inner))
    sig = ROOT_KEY.sign(hashlib.sha256(body).digest()).signature
    err = rpc(url, "send_tx", {"signed_tx_base64": base64.b64encode(
        body + b"\x00" + sig).decode()})["error"]
    assert err["cause"]["name"] == "PARSE_ERROR"
    assert "DelegateAction mustn't contain a nested one" in err["data"]


def test_near_api_js_relays_a_meta_transaction(near_node, app_wasm, tmp_path):
    wasm = tmp_path / "app.wasm"
    wasm.write_bytes(app_wasm)
    folder = js_folder()
    r = subprocess.run([shutil.which("node"), "delegate.mjs", near_node.url,
                        near_node.root_secret, str(wasm)],
                       cwd=folder, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert report["action"] == "Delegate"
    assert report["status"] == {"SuccessValue": ""}
    statuses = {x["executor"]: x["status"] for x in report["receipts"]}
    assert statuses["appjs.sandbox"] == {
        "SuccessValue": base64.b64encode(b"userjs.sandbox").decode()}
    assert report["user_after"] == report["user_before"]  # the relayer paid
    assert report["user_nonce"] == report["delegate_nonce"]
    assert report["replay_status"]["Failure"]["ActionError"]["kind"][
        "DelegateActionInvalidNonce"]["delegate_nonce"] == int(report["delegate_nonce"])


def test_near_kit_relays_a_meta_transaction(near_node, app_wasm, tmp_path):
    from kitvenv import nearkit_python

    wasm = tmp_path / "app.wasm"
    wasm.write_bytes(app_wasm)
    script = Path(__file__).parent / "nearkit_delegate.py"
    r = subprocess.run([nearkit_python(), str(script), near_node.url, str(wasm)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert report["status"] == {"SuccessValue": ""}
    assert report["receipts"]["appkit.sandbox"] == {"SuccessValue": report["expected_value"]}
    assert report["user_after"] == report["user_before"]  # the relayer paid
    assert "DelegateActionInvalidNonce" in report["replay"], report["replay"]
