"""near-api-js (npm, the machine's Node.js) drives the node: deploy compiled contracts, call,
view, a cross-contract call with a callback, failing calls whose deposit comes back.

The client is tests/node/js/client.mjs; near-api-js is installed by ``npm ci`` from the
checked-in package-lock.json into near_safe's cache (tests/node/jsclient.py)."""

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from near_safe.testing import NEAR, base58

from jsclient import js_folder

EXAMPLE = Path(__file__).parents[2] / "examples" / "deposit_and_stake"


@pytest.fixture(scope="module")
def report(near_node):
    from near_safe.builder import build_contract

    pool = build_contract(EXAMPLE / "staking_pool.py")
    vault = build_contract(EXAMPLE / "vault_safe.py")
    folder = js_folder()
    from near_safe.testing.params import STORAGE_AMOUNT_PER_BYTE

    # near-api-js's getBalance() is the available balance: amount minus what storage locks
    acc = near_node.node.rt.account("sandbox")
    root_available = acc.amount - acc.storage_usage * STORAGE_AMOUNT_PER_BYTE
    r = subprocess.run([shutil.which("node"), "client.mjs", near_node.url,
                        near_node.root_secret, str(pool), str(vault)],
                       cwd=folder, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["expected_root_balance"] = root_available
    out["pool_sha256"] = hashlib.sha256(pool.read_bytes()).digest()
    return out


def test_deploy_and_view_code(report):
    assert report["code_matches"]
    assert report["code_hash"] == base58(report["pool_sha256"])
    assert report["code_sha256_hex"] == report["pool_sha256"].hex()


def test_root_account_signs_with_the_sandbox_test_seed(report):
    assert int(report["root_balance"]) == report["expected_root_balance"] > 0


def test_cross_contract_call_with_callback(report):
    assert report["stake_status"] == "SuccessValue"
    assert int(report["staked_of"]) == 5 * NEAR
    assert int(report["pool_stake_of_vault"]) == 5 * NEAR
    assert report["stake_receipts"] >= 3  # vault call, pool call, callback (+ refunds)


def test_failing_calls_give_the_deposit_back(report):
    # the pool's receipt failed; the callback gave the 5 NEAR back: alice paid gas only
    assert report["failing_receipt_failures"] >= 1
    assert 0 < int(report["failing_call_cost"]) < NEAR // 100
    assert int(report["staked_of_after_failure"]) == 5 * NEAR
    # the direct call's failure is near-api-js's typed error, with the contract's panic
    assert report["direct_failure_error"] == "ContractExecutionError"
    assert report["direct_failure_message"] == "Smart contract panicked: staking pool is failing"
    assert 0 < int(report["direct_failure_cost"]) < NEAR // 100


def test_transaction_status(report):
    assert report["tx_status_matches"]
