"""--state DIR: every transaction a client saw committed survives a SIGKILL of the node in the
middle of a load, and nothing is half-applied (the total supply adds up)."""

import http.client
import random
import threading
import time

import base58 as b58
import pytest

from near_safe.testing import NEAR, AccessKey, AddKey, CreateAccount, Transfer
from near_safe.testing._state import base58

from nodeproc import NodeProcess
from noderpc import ROOT_PK, key_text, result, rpc, signed

USERS = [f"u{i}.sandbox" for i in range(4)]


@pytest.fixture
def node_factory():
    started = []

    def start(*args):
        p = NodeProcess(*args)
        started.append(p)
        return p
    try:
        yield start
    finally:
        for p in started:
            p.stop()


def amount(url, account_id):
    return int(result(url, "query", {"request_type": "view_account", "account_id": account_id,
                                     "finality": "final"})["amount"])


def test_state_survives_a_restart(tmp_path, node_factory):
    node = node_factory("--state", str(tmp_path))
    b64, tx = signed(node.url, "sandbox", "kept.sandbox",
                     [CreateAccount(), Transfer(deposit=5 * NEAR)])
    assert "result" in rpc(node.url, "broadcast_tx_commit", [b64])
    result(node.url, "sandbox_fast_forward", {"delta_height": 7})
    height = result(node.url, "status")["sync_info"]["latest_block_height"]
    node.stop()
    again = node_factory("--state", str(tmp_path))
    assert "2 entries replayed" in again.banner
    assert amount(again.url, "kept.sandbox") == 5 * NEAR
    assert result(again.url, "status")["sync_info"]["latest_block_height"] == height
    assert result(again.url, "tx", [base58(tx.hash), "sandbox"])["status"] == \
        {"SuccessValue": ""}
    fresh = node_factory()  # no --state: memory only
    assert rpc(fresh.url, "query", {"request_type": "view_account",
                                    "account_id": "kept.sandbox", "finality": "final"}
               )["error"]["cause"]["name"] == "UNKNOWN_ACCOUNT"


def test_sigkill_mid_load_loses_no_committed_transaction(tmp_path, node_factory):
    node = node_factory("--state", str(tmp_path))
    url = node.url
    # set-up: four users, each with the root key
    for user in USERS:
        b64, _ = signed(url, "sandbox", user, [CreateAccount(), Transfer(deposit=100 * NEAR),
                                               AddKey(public_key=ROOT_PK,
                                                      access_key=AccessKey())])
        assert rpc(url, "broadcast_tx_commit", [b64])["result"]["status"] == {"SuccessValue": ""}
    block_hash = b58.b58decode(result(url, "block", {"finality": "final"})["header"]["hash"])
    sent, committed = [], []  # (hash text, signer); committed: the client saw the outcome
    lock = threading.Lock()
    errors, cut = [], []

    def client(user, seed):
        rng = random.Random(seed)
        nonce = result(url, "query", {"request_type": "view_access_key", "account_id": user,
                                      "public_key": key_text(ROOT_PK),
                                      "finality": "final"})["nonce"]
        for _ in range(150):  # bounded; the kill ends it first
            nonce += 1
            to = rng.choice([u for u in USERS if u != user])
            b64, tx = signed(url, user, to, [Transfer(deposit=rng.randrange(1, 10**20))],
                             nonce=nonce, block_hash=block_hash)
            with lock:
                sent.append((base58(tx.hash), user))
            try:
                out = rpc(url, "broadcast_tx_commit", [b64], timeout=30)
            except (OSError, http.client.HTTPException, ValueError):
                cut.append(user)  # the node is gone
                return
            if "error" in out:
                errors.append(out["error"])
                return
            with lock:
                committed.append((base58(tx.hash), user))

    threads = [threading.Thread(target=client, args=(u, i)) for i, u in enumerate(USERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while len(committed) < 40 and time.monotonic() < deadline and not errors:
        time.sleep(0.01)
    node.kill()  # SIGKILL in the middle of the load
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(committed) >= 40
    assert cut, "no client was cut off mid-request: the kill came after the load"

    again = node_factory("--state", str(tmp_path))
    url = again.url
    found_burnt = 0
    found = set()
    for h, signer in sent:
        out = rpc(url, "tx", {"tx_hash": h, "sender_account_id": signer})
        if "error" in out:
            assert out["error"]["cause"]["name"] == "UNKNOWN_TRANSACTION"
            continue
        res = out["result"]
        assert res["status"] == {"SuccessValue": ""}
        found.add(h)
        found_burnt += int(res["transaction_outcome"]["outcome"]["tokens_burnt"]) + sum(
            int(r["outcome"]["tokens_burnt"]) for r in res["receipts_outcome"])
    assert {h for h, _ in committed} <= found, "a transaction the client saw committed is lost"
    # nothing half-applied: transfers among the users only burn gas, so the users' balances
    # plus the gas of the transfers the node has add up to what the set-up gave them
    users_now = sum(amount(url, u) for u in USERS)
    assert users_now + found_burnt == len(USERS) * 100 * NEAR, \
        "users' balances and the gas of the transfers found do not add up"


def test_a_log_that_does_not_replay_is_a_usage_error(tmp_path):
    import subprocess
    import sys

    from near_safe.node._store import Store

    store = Store(tmp_path)
    store.append("tx", b"\x07not a transaction")
    store.close()
    r = subprocess.run([sys.executable, "-m", "near_safe.cli", "node", "--port", "0",
                        "--state", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "entry 1 (tx)" in r.stderr and "new --state folder" in r.stderr, r.stderr
