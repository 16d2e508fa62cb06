"""EXPERIMENTAL_receipt: each receipt's full view in nearcore's ReceiptView shape
(core/primitives/src/views.rs ReceiptView / ReceiptEnumView::Action / DataReceiverView;
chain/jsonrpc-primitives/src/types/receipts.rs RpcReceiptRequest {receipt_id},
RpcReceiptError UNKNOWN_RECEIPT {receipt_id})."""

from noderpc import ROOT_PK, key_text, result, rpc, send_final

from near_safe.testing import NEAR, TGAS, CreateAccount, DeployContract, FunctionCall, Transfer
from near_safe.testing._fees import purchase_price

APP = "app.sandbox"
# go(): promise_create(app.who) then promise_then(app.cb), returned; who() and cb() return
# nothing.  The who receipt sends its result to the cb receipt (a data receiver / input id).
WAT = f"""(module
  (import "env" "promise_create" (func $create (param i64 i64 i64 i64 i64 i64 i64 i64)
    (result i64)))
  (import "env" "promise_then" (func $then (param i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (result i64)))
  (import "env" "promise_return" (func $return (param i64)))
  (memory (export "memory") 1)
  (data (i32.const 512) "{APP}")
  (data (i32.const 600) "who")
  (data (i32.const 610) "cb")
  (func (export "go") (local $p i64)
    (local.set $p (call $create (i64.const {len(APP)}) (i64.const 512) (i64.const 3)
      (i64.const 600) (i64.const 0) (i64.const 0) (i64.const 1000) (i64.const {20 * TGAS})))
    (call $return (call $then (local.get $p) (i64.const {len(APP)}) (i64.const 512)
      (i64.const 2) (i64.const 610) (i64.const 0) (i64.const 0) (i64.const 1000)
      (i64.const {20 * TGAS}))))
  (func (export "who"))
  (func (export "cb")))"""




def receipt(url, receipt_id):
    return result(url, "EXPERIMENTAL_receipt", {"receipt_id": receipt_id})


def test_receipts_of_a_call_with_a_callback(node):
    import wasmtime

    url = node.url
    send_final(url, "sandbox", APP, [CreateAccount(), Transfer(deposit=5 * NEAR),
                               DeployContract(code=wasmtime.wat2wasm(WAT))])
    out = send_final(url, "sandbox", APP, [FunctionCall("go", b"{}", 100 * TGAS)])
    views = [receipt(url, r["id"]) for r in out["receipts_outcome"]]
    assert [v["receipt_id"] for v in views] == [r["id"] for r in out["receipts_outcome"]]
    by_method = {}
    for v in views:
        action = v["receipt"]["Action"]
        call = action["actions"][0]
        if "FunctionCall" in call:
            by_method[call["FunctionCall"]["method_name"]] = v
    go, who, cb = by_method["go"], by_method["who"], by_method["cb"]
    # the transaction's receipt: from the signer, the transaction's actions
    assert (go["predecessor_id"], go["receiver_id"]) == ("sandbox", APP)
    assert go["receipt"]["Action"]["actions"] == [{"FunctionCall": {
        "method_name": "go", "args": "e30=", "gas": 100 * TGAS, "deposit": "0"}}]
    # the contract's receipts: predecessor the contract, signer and key copied
    cfg = node.node.rt.config
    price = str(purchase_price(cfg, False, 100 * TGAS))
    for v in (go, who, cb):
        a = v["receipt"]["Action"]
        assert a["signer_id"] == "sandbox" and a["signer_public_key"] == key_text(ROOT_PK)
        assert a["gas_price"] == price and a["is_promise_yield"] is False
        assert v["priority"] == 0
    assert who["predecessor_id"] == cb["predecessor_id"] == APP
    assert who["receipt"]["Action"]["actions"][0]["FunctionCall"]["gas"] == 20 * TGAS
    # who sends its result to cb: the data id links them
    (receiver,) = who["receipt"]["Action"]["output_data_receivers"]
    assert receiver["receiver_id"] == APP
    assert cb["receipt"]["Action"]["input_data_ids"] == [receiver["data_id"]]
    assert go["receipt"]["Action"]["input_data_ids"] == []
    assert cb["receipt"]["Action"]["output_data_receivers"] == []
    # the gas refund: from system to the signer
    refunds = [v for v in views if v["predecessor_id"] == "system"]
    assert refunds and all(v["receiver_id"] == "sandbox" for v in refunds)
    assert all("Transfer" in v["receipt"]["Action"]["actions"][0] for v in refunds)


def test_unknown_receipts_and_bad_params(node):
    url = node.url
    missing = "11111111111111111111111111111111"
    err = rpc(url, "EXPERIMENTAL_receipt", {"receipt_id": missing})["error"]
    assert err["cause"] == {"name": "UNKNOWN_RECEIPT", "info": {"receipt_id": missing}}
    assert err["name"] == "HANDLER_ERROR"
    # a transaction's hash is not a receipt id
    out = send_final(url, "sandbox", "x.sandbox", [CreateAccount(), Transfer(deposit=NEAR)])
    err = rpc(url, "EXPERIMENTAL_receipt", {"receipt_id": out["transaction"]["hash"]})["error"]
    assert err["cause"]["name"] == "UNKNOWN_RECEIPT"
    for bad in (None, [], {"id": missing}, {"receipt_id": 5}):
        err = rpc(url, "EXPERIMENTAL_receipt", bad)["error"]
        assert err["cause"]["name"] == "PARSE_ERROR", bad
