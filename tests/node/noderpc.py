"""A minimal JSON-RPC client for the node tests: urllib + PyNaCl, transactions encoded by
near_safe's own borsh encoder (the near-kit tests bring an independent one)."""

import base64
import json
import urllib.error
import urllib.request

from near_safe.node import test_seed_signing_key
from near_safe.testing._state import base58
from near_safe.testing._transactions import UnsignedTransaction

ROOT_KEY = test_seed_signing_key()
ROOT_PK = b"\x00" + bytes(ROOT_KEY.verify_key)


def post(url, body: bytes, headers=None, timeout=60):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def rpc(url, method, params=None, timeout=60):
    status, payload = post(url, json.dumps({"jsonrpc": "2.0", "id": "t", "method": method,
                                            "params": params}).encode(), timeout=timeout)
    return payload


def result(url, method, params=None):
    payload = rpc(url, method, params)
    assert "error" not in payload, payload
    return payload["result"]


def key_text(pk: bytes) -> str:
    return "ed25519:" + base58(pk[1:])


def signed(url, signer, receiver, actions, key=ROOT_KEY, nonce=None, block_hash=None):
    """base64 borsh SignedTransaction, nonce and block hash read from the node."""
    pk = b"\x00" + bytes(key.verify_key)
    if nonce is None:
        ak = result(url, "query", {"request_type": "view_access_key", "account_id": signer,
                                   "public_key": key_text(pk), "finality": "final"})
        nonce = ak["nonce"] + 1
    if block_hash is None:
        import base58 as b58

        block_hash = b58.b58decode(result(url, "block", {"finality": "final"})["header"]["hash"])
    tx = UnsignedTransaction(signer, pk, nonce, receiver, block_hash, tuple(actions))
    sig = key.sign(tx.hash).signature
    return base64.b64encode(tx.borsh() + b"\x00" + sig).decode(), tx


def send_final(url, signer, receiver, actions):
    """A transaction signed by ``signer`` (the root key), sent with send_tx until FINAL: its
    final execution outcome."""
    b64, _tx = signed(url, signer, receiver, actions)
    return result(url, "send_tx", {"signed_tx_base64": b64, "wait_until": "FINAL"})


def send_ok(url, signer, receiver, actions):
    """send_final, asserting the transaction succeeded."""
    out = send_final(url, signer, receiver, actions)
    assert "SuccessValue" in out["status"], out
    return out
