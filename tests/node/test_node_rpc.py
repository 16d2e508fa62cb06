"""near-safe node: NEAR JSON-RPC on the embedded runtime, driven over HTTP (urllib + PyNaCl).

Shapes checked against nearcore's (chain/jsonrpc-primitives errors.rs, types/*.rs,
core/primitives views.rs); every bad input must answer nearcore's error object and change
nothing."""

import base64
import json
import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from nacl.signing import SigningKey

from near_safe.node._node import GENESIS_BALANCE
from near_safe.testing import (NEAR, TGAS, AccessKey, AddKey, CreateAccount, DeployContract,
                               FunctionCall, Transfer)

from noderpc import ROOT_KEY, ROOT_PK, key_text, post, result, rpc, signed

POOL = Path(__file__).resolve().parents[2] / "examples" / "deposit_and_stake" / "staking_pool.py"


@pytest.fixture(scope="module")
def chain():
    """This module's own node (its tests count balances from genesis)."""
    from near_safe.node.pytest_fixture import start_node

    running = start_node()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def url(chain):
    return chain.url


@pytest.fixture(scope="module")
def pool_wasm():
    from near_safe.builder import build_contract

    return Path(build_contract(POOL)).read_bytes()


def account(url, account_id):
    return result(url, "query", {"request_type": "view_account", "account_id": account_id,
                                 "finality": "final"})


def send(url, signer, receiver, actions, **kw):
    b64, tx = signed(url, signer, receiver, actions, **kw)
    return rpc(url, "send_tx", {"signed_tx_base64": b64, "wait_until": "FINAL"}), tx


def nonce_of(url, account_id, pk=ROOT_PK):
    return result(url, "query", {"request_type": "view_access_key", "account_id": account_id,
                                 "public_key": key_text(pk), "finality": "final"})["nonce"]


def make_account(url, name, amount=50 * NEAR, key=None):
    """A sub-account of ``sandbox`` created by a real transaction."""
    pk = b"\x00" + bytes((key or ROOT_KEY).verify_key)
    out, _ = send(url, "sandbox", name, [CreateAccount(), Transfer(deposit=amount),
                                         AddKey(public_key=pk, access_key=AccessKey())])
    assert out["result"]["status"] == {"SuccessValue": ""}, out
    return name


# ------------------------------------------------------------------------------ chain info

def test_status_and_block_agree(url, chain):
    st = result(url, "status")
    blk = result(url, "block", {"finality": "final"})
    assert st["sync_info"]["latest_block_height"] == blk["header"]["height"] \
        == chain.node.rt.height
    assert st["sync_info"]["latest_block_hash"] == blk["header"]["hash"]
    assert result(url, "block", {"block_id": 0})["header"]["hash"] == st["genesis_hash"]
    import urllib.request

    with urllib.request.urlopen(url + "/status", timeout=10) as r:
        assert json.loads(r.read())["chain_id"] == st["chain_id"]
    assert int(result(url, "gas_price", [None])["gas_price"]) == chain.node.rt.config.gas_price


def test_genesis_follows_the_sandbox_conventions(url):
    for name in ("sandbox", "test.near"):
        assert int(account(url, name)["amount"]) == GENESIS_BALANCE
        keys = result(url, "query", {"request_type": "view_access_key_list",
                                     "account_id": name, "finality": "final"})["keys"]
        assert [k["public_key"] for k in keys] == [key_text(ROOT_PK)]
        assert keys[0]["access_key"]["permission"] == "FullAccess"
    # nearcore --test-seed sandbox: seed = b"sandbox" padded with spaces to 32 bytes
    assert bytes(SigningKey(b"sandbox".ljust(32, b" ")).verify_key) == ROOT_PK[1:]


def test_a_public_key_without_its_curve_prefix_is_ed25519(url):
    # nearcore core/crypto split_key_type_data: no "curve:" prefix means ED25519 (py-near,
    # near-pytest's client, sends view_access_key's public_key bare)
    bare = key_text(ROOT_PK).split(":", 1)[1]
    view = result(url, "query", {"request_type": "view_access_key", "account_id": "sandbox",
                                 "public_key": bare, "finality": "final"})
    assert view["permission"] == "FullAccess" and "error" not in view
    err = rpc(url, "query", {"request_type": "view_access_key", "account_id": "sandbox",
                             "public_key": "secp256k1:" + bare, "finality": "final"})["error"]
    assert err["cause"]["name"] == "PARSE_ERROR"


# ------------------------------------------------------------------------------ bad input

def test_malformed_json_is_a_parse_error(url):
    status, payload = post(url, b'{"jsonrpc": "2.0", "method": ')
    err = payload["error"]
    assert status == 400
    assert (err["name"], err["cause"]["name"], err["code"]) == \
        ("REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700)
    assert err["cause"]["info"]["error_message"] == err["data"]


def test_unknown_method(url):
    err = rpc(url, "no_such_method", [])["error"]
    assert (err["name"], err["cause"]["name"], err["code"], err["message"]) == \
        ("REQUEST_VALIDATION_ERROR", "METHOD_NOT_FOUND", -32601, "Method not found")
    assert err["cause"]["info"] == {"method_name": "no_such_method"}


def test_wrong_params_are_parse_errors(url):
    for method, params in [("query", {"request_type": "view_account"}),
                           ("query", {"request_type": "view_everything", "account_id": "x.near",
                                      "finality": "final"}),
                           ("query", ["account/sandbox"]),
                           ("send_tx", {"wait_until": "FINAL"}),
                           ("send_tx", {"signed_tx_base64": "%%% not base64"}),
                           ("tx", {"tx_hash": 5}),
                           ("sandbox_fast_forward", {"delta_height": -1}),
                           ("block", {"finality": "soon"})]:
        err = rpc(url, method, params)["error"]
        assert err["cause"]["name"] == "PARSE_ERROR", (method, params, err)


def test_unknown_account_is_a_handler_error(url):
    err = rpc(url, "query", {"request_type": "view_account", "account_id": "nobody.sandbox",
                             "finality": "final"})["error"]
    assert (err["name"], err["cause"]["name"], err["code"]) == \
        ("HANDLER_ERROR", "UNKNOWN_ACCOUNT", -32000)
    assert err["cause"]["info"]["requested_account_id"] == "nobody.sandbox"
    err = rpc(url, "query", {"request_type": "view_account", "account_id": "Bad..Id",
                             "finality": "final"})["error"]
    assert err["cause"]["name"] == "INVALID_ACCOUNT"
    err = rpc(url, "block", {"block_id": 10**9})["error"]
    assert err["cause"]["name"] == "UNKNOWN_BLOCK"


def test_oversized_request_is_refused_before_it_is_read(url, chain):
    """Content-Length above the limit: 413 and nearcore's parse error, answered while the
    client has sent only 10 bytes of its announced body."""
    u = urlparse(url)
    limit = chain.server.max_body
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + f"Content-Length: {limit + 1}\r\n\r\n".encode() + b"{" * 10)
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    err = json.loads(body)["error"]
    assert err["cause"]["name"] == "PARSE_ERROR" and str(limit) in err["data"]


# ------------------------------------------------------------------------------ transactions

def test_create_account_transfer_and_gas(url):
    before = int(account(url, "sandbox")["amount"])
    out, tx = send(url, "sandbox", "alice.sandbox",
                   [CreateAccount(), Transfer(deposit=7 * NEAR),
                    AddKey(public_key=ROOT_PK, access_key=AccessKey())])
    res = out["result"]
    assert res["status"] == {"SuccessValue": ""}
    assert res["transaction"]["hash"] == res["transaction_outcome"]["id"]
    assert res["transaction"]["actions"][1] == {"Transfer": {"deposit": str(7 * NEAR)}}
    assert int(account(url, "alice.sandbox")["amount"]) == 7 * NEAR
    burnt = int(res["transaction_outcome"]["outcome"]["tokens_burnt"]) + sum(
        int(r["outcome"]["tokens_burnt"]) for r in res["receipts_outcome"])
    after = int(account(url, "sandbox")["amount"])
    assert before - after == 7 * NEAR + burnt  # unused gas came back; burnt gas did not
    # the same signed transaction sent again answers its outcome and changes nothing
    again = result(url, "broadcast_tx_commit", [base64.b64encode(
        tx.borsh() + b"\x00" + ROOT_KEY.sign(tx.hash).signature).decode()])
    assert again["transaction"]["hash"] == res["transaction"]["hash"]
    assert int(account(url, "sandbox")["amount"]) == after


def test_deploy_call_view_and_a_failing_call_refunds(url, pool_wasm):
    pool = make_account(url, "pool.sandbox")
    out, _ = send(url, pool, pool, [DeployContract(code=pool_wasm)])
    assert out["result"]["status"] == {"SuccessValue": ""}, out
    code = result(url, "query", {"request_type": "view_code", "account_id": pool,
                                 "finality": "final"})
    assert base64.b64decode(code["code_base64"]) == pool_wasm
    user = make_account(url, "user.sandbox")
    out, _ = send(url, user, pool, [FunctionCall("deposit_and_stake", b"", 100 * TGAS,
                                                 3 * NEAR)])
    assert "SuccessValue" in out["result"]["status"], out
    view = result(url, "query", {"request_type": "call_function", "account_id": pool,
                                 "method_name": "stake_of", "finality": "final",
                                 "args_base64": base64.b64encode(
                                     json.dumps({"account_id": user}).encode()).decode()})
    assert int(json.loads(bytes(view["result"]))) == 3 * NEAR
    state = result(url, "query", {"request_type": "view_state", "account_id": pool,
                                  "prefix_base64": "", "finality": "final"})["values"]
    assert state, "the stake is in the contract's storage"
    # a failing call: the deposit comes back to the caller, only gas is spent
    send(url, user, pool, [FunctionCall("set_failing", json.dumps({"failing": True}).encode(),
                                        30 * TGAS, 0)])
    before = int(account(url, user)["amount"])
    out, _ = send(url, user, pool, [FunctionCall("deposit_and_stake", b"", 100 * TGAS,
                                                 2 * NEAR)])
    res = out["result"]
    fail = res["status"]["Failure"]["ActionError"]
    assert "ExecutionError" in fail["kind"]["FunctionCallError"], fail
    paid = before - int(account(url, user)["amount"])
    assert 0 < paid < NEAR // 100, "the 2 NEAR deposit came back; gas alone was paid"
    # a view of a missing method answers a result carrying "error" (nearcore's legacy form)
    bad = result(url, "query", {"request_type": "call_function", "account_id": pool,
                                "method_name": "nope", "args_base64": "", "finality": "final"})
    # runtime/runtime/src/state_viewer: format!("wasm execution failed with error: {:?}", err)
    # of the VM's FunctionCallError (near-pytest's suite matches it through py-near)
    assert bad["error"] == ("wasm execution failed with error: "
                            "MethodResolveError(MethodNotFound)")
    panic = result(url, "query", {"request_type": "call_function", "account_id": pool,
                                  "method_name": "stake_of", "args_base64": "",
                                  "finality": "final"})
    assert panic["error"].startswith('wasm execution failed with error: HostError(GuestPanic '
                                     '{ panic_msg: "'), panic
    err = rpc(url, "query", {"request_type": "call_function", "account_id": user,
                             "method_name": "x", "args_base64": "", "finality": "final"})
    assert err["error"]["cause"]["name"] == "NO_CONTRACT_CODE"
    assert err["error"]["cause"]["info"]["contract_account_id"] == user


def test_invalid_transactions_change_nothing(url, chain):
    rt = chain.node.rt
    name = make_account(url, "bob.sandbox")
    n0 = nonce_of(url, name)
    snap_balances = {a: rt.balance(a) for a in rt.accounts}
    cases = []
    # bad signature: signed by another key
    other = SigningKey(b"x" * 32)
    b64, tx = signed(url, name, "sandbox", [Transfer(deposit=1)])
    raw = base64.b64decode(b64)
    forged = raw[:-64] + other.sign(tx.hash).signature
    cases.append((base64.b64encode(forged).decode(), "InvalidSignature"))
    # nonce already used
    cases.append((signed(url, name, "sandbox", [Transfer(deposit=1)], nonce=n0)[0],
                  {"InvalidNonce": {"tx_nonce": n0, "ak_nonce": n0}}))
    # a block hash the chain never had
    cases.append((signed(url, name, "sandbox", [Transfer(deposit=1)],
                         block_hash=bytes(32))[0], "InvalidChain"))
    # a key the account does not have
    b64, tx = signed(url, name, "sandbox", [Transfer(deposit=1)], key=other, nonce=1)
    cases.append((b64, {"InvalidAccessKeyError": {"AccessKeyNotFound": {
        "account_id": name, "public_key": key_text(b"\0" + bytes(other.verify_key))}}}))
    # more than the account holds
    cases.append((signed(url, name, "sandbox", [Transfer(deposit=10**6 * NEAR)])[0],
                  "NotEnoughBalance"))
    # more prepaid gas than a transaction may carry (core/primitives/src/errors.rs
    # ActionsValidationError::TotalPrepaidGasExceeded { total_prepaid_gas, limit }: py-near
    # parses the object)
    cases.append((signed(url, name, "sandbox", [FunctionCall("x", b"", 1001 * TGAS)])[0],
                  {"ActionsValidation": {"TotalPrepaidGasExceeded": {
                      "total_prepaid_gas": 1001 * TGAS, "limit": 1000 * TGAS}}}))
    for b64, expected in cases:
        err = rpc(url, "send_tx", {"signed_tx_base64": b64})["error"]
        assert (err["name"], err["cause"]["name"], err["cause"]["info"]) == \
            ("HANDLER_ERROR", "INVALID_TRANSACTION", {}), err
        got = err["data"]["TxExecutionError"]["InvalidTxError"]
        if isinstance(expected, str) and expected != "InvalidSignature" and \
                expected not in ("InvalidChain",):
            assert expected in got, (expected, got)
        else:
            assert got == expected, (expected, got)
    # bad borsh: a truncated transaction
    err = rpc(url, "broadcast_tx_commit", [base64.b64encode(raw[:40]).decode()])["error"]
    assert err["cause"]["name"] == "PARSE_ERROR"
    assert err["data"].startswith("Failed to decode transaction")
    assert nonce_of(url, name) == n0
    assert {a: rt.balance(a) for a in rt.accounts} == snap_balances


def test_tx_status_and_async(url):
    name = make_account(url, "carol.sandbox")
    b64, tx = signed(url, name, "sandbox", [Transfer(deposit=NEAR)])
    h = rpc(url, "broadcast_tx_async", [b64])["result"]
    from near_safe.testing._state import base58

    assert h == base58(tx.hash)
    for method in ("tx", "EXPERIMENTAL_tx_status"):
        res = result(url, method, {"tx_hash": h, "sender_account_id": name,
                                   "wait_until": "FINAL"})
        assert res["transaction"]["hash"] == h and res["status"] == {"SuccessValue": ""}
    assert result(url, "tx", [h, name])["transaction"]["nonce"] == tx.nonce
    err = rpc(url, "tx", {"tx_hash": h, "sender_account_id": "sandbox"})["error"]
    assert (err["cause"]["name"], err["cause"]["info"]) == \
        ("UNKNOWN_TRANSACTION", {"requested_transaction_hash": h})


def test_sandbox_patch_state_and_fast_forward(url, chain):
    name = make_account(url, "dave.sandbox")
    before = result(url, "status")["sync_info"]["latest_block_height"]
    assert result(url, "sandbox_patch_state", {"records": [
        {"Account": {"account_id": name, "account": {"amount": str(123 * NEAR),
                                                     "locked": "0"}}},
        {"Data": {"account_id": name, "data_key": base64.b64encode(b"k").decode(),
                  "value": base64.b64encode(b"v").decode()}}]}) == {}
    assert int(account(url, name)["amount"]) == 123 * NEAR
    # neard applies a patch in its next block and clients wait for a block after the answer
    # (near-kit's testing.patch_state): one follows, without --block-time
    deadline = time.monotonic() + 30
    while result(url, "status")["sync_info"]["latest_block_height"] == before:
        assert time.monotonic() < deadline, "no block followed the patch"
        time.sleep(0.01)
    assert result(url, "status")["sync_info"]["latest_block_height"] == before + 1
    vals = result(url, "query", {"request_type": "view_state", "account_id": name,
                                 "prefix_base64": "", "finality": "final"})["values"]
    assert vals == [{"key": "aw==", "value": "dg=="}]
    # a record the node does not take changes nothing, not even the records before it
    err = rpc(url, "sandbox_patch_state", {"records": [
        {"Account": {"account_id": name, "account": {"amount": "1"}}},
        {"Gas": {"account_id": name}}]})["error"]
    assert err["cause"]["name"] == "PARSE_ERROR"
    assert int(account(url, name)["amount"]) == 123 * NEAR
    h0 = result(url, "status")["sync_info"]["latest_block_height"]
    assert result(url, "sandbox_fast_forward", {"delta_height": 25}) == {}
    assert result(url, "status")["sync_info"]["latest_block_height"] == h0 + 25
    assert chain.node.rt.height == h0 + 25


def test_a_block_hash_older_than_the_validity_period_is_expired():
    from near_safe.node._node import TX_VALIDITY_PERIOD
    from near_safe.node.pytest_fixture import start_node

    running = start_node()  # its own chain: the fast-forward below is long
    try:
        u = running.url
        b64_edge, _ = signed(u, "sandbox", "test.near", [Transfer(deposit=1)], nonce=1)
        b64_old, _ = signed(u, "sandbox", "test.near", [Transfer(deposit=2)], nonce=2)
        result(u, "sandbox_fast_forward", {"delta_height": TX_VALIDITY_PERIOD - 1})
        # still inside the window: accepted
        assert "result" in rpc(u, "broadcast_tx_commit", [b64_edge])
        result(u, "sandbox_fast_forward", {"delta_height": 5})
        err = rpc(u, "broadcast_tx_commit", [b64_old])["error"]
        assert err["data"]["TxExecutionError"]["InvalidTxError"] == "Expired"
    finally:
        running.stop()
