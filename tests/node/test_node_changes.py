"""EXPERIMENTAL_changes: what a block changed, by changes_type, in nearcore's shapes
(chain/jsonrpc-primitives/src/types/changes.rs RpcStateChangesInBlockByTypeRequest /
Response; core/primitives/src/views.rs StateChangesRequestView, StateChangeWithCauseView,
StateChangeValueView, StateChangeCauseView)."""

import base64
import hashlib

from nacl.signing import SigningKey
from noderpc import key_text, result, rpc, send_ok, signed

from near_safe.testing import (NEAR, TGAS, AccessKey, AddKey, CreateAccount, DeleteKey,
                               DeployContract, FunctionCall, Transfer, base58)

APP = "app.sandbox"
# put(): storage_write("k", "v"); wipe(): storage_remove("k")
WAT = """(module
  (import "env" "storage_write" (func $write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_remove" (func $remove (param i64 i64 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 512) "kv")
  (func (export "put") (drop (call $write (i64.const 1) (i64.const 512) (i64.const 1)
    (i64.const 513) (i64.const 0))))
  (func (export "wipe") (drop (call $remove (i64.const 1) (i64.const 512) (i64.const 0)))))"""
KEY = SigningKey(bytes([5] * 32))
PK = b"\x00" + bytes(KEY.verify_key)



def changes(url, out, **request):
    """The changes of the block the transaction's first receipt ran in."""
    first = out["receipts_outcome"][0]
    return first["id"], result(url, "EXPERIMENTAL_changes",
                               {"block_id": first["block_hash"], **request})


def test_account_code_data_and_key_changes(node):
    import wasmtime

    url = node.url
    code = wasmtime.wat2wasm(WAT)
    out = send_ok(url, "sandbox", APP, [CreateAccount(), Transfer(deposit=5 * NEAR),
                                     DeployContract(code=code)])
    rid, got = changes(url, out, changes_type="account_changes", account_ids=[APP])
    (change,) = got["changes"]
    assert got["block_hash"] == out["receipts_outcome"][0]["block_hash"]
    assert change["type"] == "account_update"
    assert change["cause"] == {"type": "receipt_processing", "receipt_hash": rid}
    view = result(url, "query", {"request_type": "view_account", "account_id": APP,
                                 "block_id": out["receipts_outcome"][0]["block_hash"]})
    assert change["change"] == {"account_id": APP, **{k: view[k] for k in (
        "amount", "locked", "code_hash", "storage_usage", "storage_paid_at")}}
    assert view["code_hash"] == base58(hashlib.sha256(code).digest())
    _, got = changes(url, out, changes_type="contract_code_changes", account_ids=[APP])
    assert [c["change"] for c in got["changes"]] == [
        {"account_id": APP, "code_base64": base64.b64encode(code).decode()}]
    # data: a write, then a removal
    out = send_ok(url, "sandbox", APP, [FunctionCall("put", b"", 10 * TGAS)])
    _, got = changes(url, out, changes_type="data_changes", account_ids=[APP],
                     key_prefix_base64="")
    assert [(c["type"], c["change"]) for c in got["changes"]] == [
        ("data_update", {"account_id": APP, "key_base64": "aw==", "value_base64": "dg=="})]
    _, other_prefix = changes(url, out, changes_type="data_changes", account_ids=[APP],
                              key_prefix_base64=base64.b64encode(b"x").decode())
    assert other_prefix["changes"] == []
    out = send_ok(url, "sandbox", APP, [FunctionCall("wipe", b"", 10 * TGAS)])
    _, got = changes(url, out, changes_type="data_changes", account_ids=[APP],
                     key_prefix_base64="aw==")
    assert [(c["type"], c["change"]) for c in got["changes"]] == [
        ("data_deletion", {"account_id": APP, "key_base64": "aw=="})]
    # the contract did not change in that block
    _, got = changes(url, out, changes_type="contract_code_changes", account_ids=[APP])
    assert got["changes"] == []
    # access keys: added, then deleted
    out = send_ok(url, "sandbox", "user.sandbox", [
        CreateAccount(), Transfer(deposit=NEAR), AddKey(public_key=PK, access_key=AccessKey())])
    _, got = changes(url, out, changes_type="all_access_key_changes",
                     account_ids=["user.sandbox"])
    assert [(c["type"], c["change"]["public_key"]) for c in got["changes"]] == [
        ("access_key_update", key_text(PK))]
    assert got["changes"][0]["change"]["access_key"]["permission"] == "FullAccess"
    _, single = changes(url, out, changes_type="single_access_key_changes",
                        keys=[{"account_id": "user.sandbox", "public_key": key_text(PK)}])
    assert single["changes"] == got["changes"]
    b64, _ = signed(url, "user.sandbox", "user.sandbox", [DeleteKey(public_key=PK)], key=KEY)
    out = result(url, "send_tx", {"signed_tx_base64": b64, "wait_until": "FINAL"})
    _, got = changes(url, out, changes_type="all_access_key_changes",
                     account_ids=["user.sandbox"])
    assert [c["type"] for c in got["changes"]] == ["access_key_deletion"]


def test_bad_requests(node):
    url = node.url
    for bad in (None, {"changes_type": "everything", "account_ids": [], "finality": "final"},
                {"changes_type": "account_changes", "finality": "final"},
                {"changes_type": "account_changes", "account_ids": "sandbox",
                 "finality": "final"},
                {"changes_type": "data_changes", "account_ids": ["sandbox"],
                 "finality": "final"}):
        err = rpc(url, "EXPERIMENTAL_changes", bad)["error"]
        assert err["cause"]["name"] == "PARSE_ERROR", bad
    err = rpc(url, "EXPERIMENTAL_changes", {"changes_type": "account_changes",
                                            "account_ids": ["sandbox"],
                                            "block_id": 10**6})["error"]
    assert err["cause"]["name"] == "UNKNOWN_BLOCK"
    # an account that does not exist has no changes
    got = result(url, "EXPERIMENTAL_changes", {"changes_type": "account_changes",
                                               "account_ids": ["nobody.sandbox"],
                                               "finality": "final"})
    assert got["changes"] == []
