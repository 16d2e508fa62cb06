"""near-kit (PyPI) drives the node: deploy compiled contracts, call, view, a cross-contract call
with a callback, failing calls whose deposit comes back.

near-kit runs in its own virtualenv, in a subprocess: its import package ``near`` is the
same folder name as near-sdk-py's (near_safe's dependency), so installing both in one
site-packages overwrites near-sdk-py's ``near/__init__.py``.  The venv is made once under
near_safe's cache folder (or given by NEAR_KIT_PYTHON)."""

import json
import subprocess
from pathlib import Path

import pytest
from kitvenv import nearkit_python

from near_safe.testing import NEAR

HERE = Path(__file__).parent
EXAMPLE = HERE.parents[1] / "examples" / "deposit_and_stake"


@pytest.fixture(scope="module")
def report(near_node):
    from near_safe.builder import build_contract

    pool = build_contract(EXAMPLE / "staking_pool.py")
    vault = build_contract(EXAMPLE / "vault_safe.py")
    root_balance = near_node.node.rt.balance("sandbox")
    r = subprocess.run([nearkit_python(), str(HERE / "nearkit_client.py"), near_node.url,
                        str(pool), str(vault)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["expected_root_balance"] = root_balance
    return out


def test_deploy_and_view_code(report):
    assert report["code_matches"] and report["code_hash_matches"]


def test_root_account_signs_with_the_sandbox_test_seed(report):
    # near-kit's sandbox_signer() signed the set-up; the balance it read is the node's
    assert report["root_balance"] == report["expected_root_balance"] > 0


def test_cross_contract_call_with_callback(report):
    assert report["staked_of"] == 5 * NEAR
    assert report["pool_stake_of_vault"] == 5 * NEAR
    assert report["stake_receipts"] >= 3  # vault call, pool call, callback (+ refunds)


def test_failing_calls_give_the_deposit_back(report):
    # the pool's failure is reported by near-kit (a failed receipt in the tree) ...
    assert report["failing_call_raised"] and "ExecutionError" not in report["failing_call_panic"]
    # ... and the 5 NEAR came back through the callback: alice paid gas only
    assert 0 < report["failing_call_cost"] < NEAR // 100
    assert report["staked_of_after_failure"] == 5 * NEAR
    assert report["direct_failure_raised"]
    assert 0 < report["direct_failure_cost"] < NEAR // 100


def test_transaction_status(report):
    assert report["tx_status_matches"]


def test_invalid_transaction_errors_are_near_kits_typed_errors(report):
    assert report["stale_nonce_recovered"]  # InvalidNonce {ak_nonce} -> near-kit resynced
    required, available = report["insufficient_balance"]
    assert required > 10**6 * NEAR and available == report["alice_balance"]
