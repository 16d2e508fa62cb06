"""near_safe's extension methods on the node (docs/node.md "near_safe extensions"): receipt-order
control (near_safe_submit_tx, near_safe_pending, near_safe_step, near_safe_inject), snapshots,
and what --state keeps of them and of the chain's clock across a restart."""

import base64
import json
from pathlib import Path

import pytest
from nodeproc import NodeProcess
from noderpc import ROOT_PK, result, rpc, send_ok, signed

from near_safe.testing import NEAR, TGAS, AccessKey, AddKey, CreateAccount, DeployContract, \
    FunctionCall, Transfer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "deposit_and_stake"


@pytest.fixture(scope="module")
def wasm():
    from near_safe.builder import build_contract

    return {name: Path(build_contract(EXAMPLE / f"{name}.py")).read_bytes()
            for name in ("staking_pool", "vault_safe")}



def setup_vault(url, wasm):
    key = [AddKey(public_key=ROOT_PK, access_key=AccessKey())]
    send_ok(url, "sandbox", "pool.sandbox", [CreateAccount(), Transfer(deposit=20 * NEAR), *key,
                                          DeployContract(code=wasm["staking_pool"])])
    send_ok(url, "sandbox", "vault.sandbox", [CreateAccount(), Transfer(deposit=20 * NEAR), *key,
                                           DeployContract(code=wasm["vault_safe"])])
    send_ok(url, "vault.sandbox", "vault.sandbox",
         [FunctionCall("new", json.dumps({"pool": "pool.sandbox"}).encode(), 100 * TGAS)])
    send_ok(url, "sandbox", "alice.sandbox", [CreateAccount(), Transfer(deposit=50 * NEAR), *key])


def view(url, contract, method, args):
    out = result(url, "query", {"request_type": "call_function", "account_id": contract,
                                "method_name": method, "finality": "final",
                                "args_base64": base64.b64encode(json.dumps(args).encode())
                                .decode()})
    return json.loads(bytes(out["result"]))


def balance(url, account_id):
    return int(result(url, "query", {"request_type": "view_account", "account_id": account_id,
                                     "finality": "final"})["amount"])


def test_receipt_order_control_step_by_step_with_a_fault(node, wasm):
    url = node.url
    setup_vault(url, wasm)
    before = balance(url, "alice.sandbox")
    b64, tx = signed(url, "alice.sandbox", "vault.sandbox",
                     [FunctionCall("deposit_and_stake", b"", 300 * TGAS, 5 * NEAR)])
    h = result(url, "near_safe_submit_tx", {"signed_tx_base64": b64})["transaction_hash"]
    # nothing ran yet: the transaction waits, the status says so
    pending = result(url, "near_safe_pending")
    assert [p["receiver_id"] for p in pending] == ["vault.sandbox"]
    assert pending[0]["method_name"] == "deposit_and_stake"
    assert pending[0]["deposit"] == str(5 * NEAR)
    assert result(url, "tx", [h, "alice.sandbox"])["final_execution_status"] == "INCLUDED"
    # run the vault's call: its cross-contract call to the pool is now next
    first = result(url, "near_safe_step")
    assert first["outcome"]["executor_id"] == "vault.sandbox"
    nxt = result(url, "near_safe_pending")[0]
    assert (nxt["receiver_id"], nxt["method_name"], nxt["predecessor_id"]) == \
        ("pool.sandbox", "deposit_and_stake", "vault.sandbox")
    # the pool's call fails as a fault; the vault's callback gives the deposit back
    assert result(url, "near_safe_inject", {"kind": "panic", "receiver_id": "pool.sandbox",
                                            "method_name": "deposit_and_stake"}) == {}
    ran = []
    while (out := result(url, "near_safe_step")) is not None:
        ran.append((out["outcome"]["executor_id"], next(iter(out["outcome"]["status"]))))
    assert ran[0] == ("pool.sandbox", "Failure")
    assert ("vault.sandbox", "SuccessValue") in ran[1:]  # the callback ran and succeeded
    assert result(url, "near_safe_pending") == []
    final = result(url, "tx", [h, "alice.sandbox"])
    assert final["final_execution_status"] == "FINAL"
    assert view(url, "vault.sandbox", "staked_of", {"account_id": "alice.sandbox"}) in (0, "0")
    assert 0 < before - balance(url, "alice.sandbox") < NEAR // 100  # gas only


def test_extension_bad_input(node):
    err = rpc(node.url, "near_safe_inject", {"kind": "meteor"})["error"]
    assert err["cause"]["name"] == "PARSE_ERROR" and "panic" in err["data"]
    err = rpc(node.url, "near_safe_restore", {"snapshot_id": 3})["error"]
    assert "take one with near_safe_snapshot" in err["data"]
    assert result(node.url, "near_safe_step") is None  # idle: nothing to run


def test_state_keeps_extensions_and_the_clock_across_a_restart(tmp_path):
    state = tmp_path / "state"
    first = NodeProcess("--state", str(state))
    try:
        url = first.url
        status0 = result(url, "status")["sync_info"]
        key = [AddKey(public_key=ROOT_PK, access_key=AccessKey())]
        send_ok(url, "sandbox", "kept.sandbox", [CreateAccount(), Transfer(deposit=NEAR), *key])
        sid = result(url, "near_safe_snapshot")["snapshot_id"]
        send_ok(url, "sandbox", "dropped.sandbox", [CreateAccount(), Transfer(deposit=NEAR)])
        assert result(url, "near_safe_restore", {"snapshot_id": sid}) == {}
        b64, _ = signed(url, "sandbox", "queued.sandbox", [CreateAccount(),
                                                           Transfer(deposit=NEAR)])
        result(url, "near_safe_submit_tx", {"signed_tx_base64": b64})
        result(url, "near_safe_step")  # the transaction's receipt: the account exists
        status1 = result(url, "status")["sync_info"]
    finally:
        first.stop()
    again = NodeProcess("--state", str(state))
    try:
        url = again.url
        status2 = result(url, "status")["sync_info"]
        exists = {a: "error" not in rpc(url, "query", {"request_type": "view_account",
                                                       "account_id": a, "finality": "final"})
                  for a in ("kept.sandbox", "dropped.sandbox", "queued.sandbox")}
    finally:
        again.stop()
    assert exists == {"kept.sandbox": True, "dropped.sandbox": False, "queued.sandbox": True}
    # the same chain: genesis time, head, its hash and time
    assert status2["earliest_block_time"] == status0["earliest_block_time"]
    for field in ("latest_block_height", "latest_block_hash", "latest_block_time"):
        assert status2[field] == status1[field], field


def test_queries_at_a_past_block_read_the_state_then(node):
    url = node.url

    def amount_at(**ref):
        out = rpc(url, "query", {"request_type": "view_account", "account_id": "h.sandbox",
                                 **ref})
        return int(out["result"]["amount"]) if "result" in out else out["error"]

    send_ok(url, "sandbox", "h.sandbox", [CreateAccount(), Transfer(deposit=NEAR)])
    h1 = result(url, "status")["sync_info"]["latest_block_height"]
    hash1 = result(url, "block", {"block_id": h1})["header"]["hash"]
    out = send_ok(url, "sandbox", "h.sandbox", [Transfer(deposit=2 * NEAR)])
    assert amount_at(finality="final") == 3 * NEAR
    for ref in (h1, hash1):  # by height and by hash
        assert amount_at(block_id=ref) == NEAR
    # inside the transfer: the block whose receipt credited h.sandbox is kept; the block that
    # only converted the transaction ran no receipt (the runtime's step crosses it) and is not
    converted = out["transaction_outcome"]["block_hash"]
    credited = out["receipts_outcome"][0]["block_hash"]
    assert converted != credited
    assert amount_at(block_id=credited) == 3 * NEAR
    assert amount_at(block_id=converted)["cause"]["name"] == "GARBAGE_COLLECTED_BLOCK"
    # before the account existed; and the head is untouched by reading the past
    assert amount_at(block_id=0)["cause"]["name"] == "UNKNOWN_ACCOUNT"
    assert amount_at(finality="final") == 3 * NEAR
    # blocks produced empty in one batch are not kept one by one
    head = result(url, "status")["sync_info"]["latest_block_height"]
    result(url, "sandbox_fast_forward", {"delta_height": 10})
    err = amount_at(block_id=head + 5)
    assert err["cause"]["name"] == "GARBAGE_COLLECTED_BLOCK"
    assert err["cause"]["info"]["block_height"] == head + 5
    assert amount_at(block_id=head + 10) == 3 * NEAR


def test_chunk_lists_the_transactions_of_its_block(node):
    url = node.url
    out = send_ok(url, "sandbox", "c.sandbox", [CreateAccount(), Transfer(deposit=NEAR)])
    block_hash = out["transaction_outcome"]["block_hash"]
    block = result(url, "block", {"block_id": block_hash})
    (header,) = block["chunks"]
    assert header["shard_id"] == 0 and header["height_included"] == block["header"]["height"]
    by_id = result(url, "chunk", {"chunk_id": header["chunk_hash"]})
    by_block = result(url, "chunk", {"block_id": block_hash, "shard_id": 0})
    assert by_id == by_block
    assert [t["hash"] for t in by_id["transactions"]] == [out["transaction"]["hash"]]
    assert by_id["header"]["chunk_hash"] == header["chunk_hash"]
    err = rpc(url, "chunk", {"block_id": block_hash, "shard_id": 3})["error"]
    assert err["cause"]["name"] == "INVALID_SHARD_ID"
    err = rpc(url, "chunk", {"chunk_id": "11111111111111111111111111111111"})["error"]
    assert err["cause"]["name"] == "UNKNOWN_CHUNK"
