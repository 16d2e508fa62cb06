"""A test module written purely against near-kit and its pytest plugin (fixtures
``near_sandbox`` and ``sandbox_near``), nothing of near_safe.  tests/node/
test_node_nearkit_plugin.py runs it in near-kit's virtualenv with NEAR_SANDBOX_URL pointing at
near-safe node: the plugin reuses the node instead of starting a Docker sandbox, offline.
(Not named test_*.py: the main suite does not collect it.)

NEAR_KIT_TEST_WASM: a compiled contract with ``deposit_and_stake`` (payable) and
``stake_of(account_id)`` (examples/deposit_and_stake/staking_pool.py)."""

import os
from pathlib import Path

from near import ContractPanicError, KeyPairSigner, generate_key
from near.actions import add_full_access_key, create_account, deploy_contract, transfer
from near.testing import fast_forward, patch_state

NEAR = 10**24


def test_the_plugin_reuses_the_node(near_sandbox):
    assert near_sandbox.started is False  # found through NEAR_SANDBOX_URL, no container
    assert near_sandbox.rpc_url == os.environ["NEAR_SANDBOX_URL"]
    assert near_sandbox.root_account_id == "sandbox"


def test_root_account_and_status(sandbox_near):
    assert sandbox_near.rpc("status", [])["chain_id"]
    assert int(sandbox_near.balance("sandbox")) > 1000 * NEAR


def test_create_account_transfer_and_sign_with_its_key(sandbox_near):
    key = generate_key()
    sandbox_near.send_transaction("bob.sandbox", [create_account(), transfer("10 NEAR"),
                                                  add_full_access_key(key.public_key)])
    assert int(sandbox_near.balance("bob.sandbox")) == 10 * NEAR
    bob = sandbox_near.with_signer(KeyPairSigner(account_id="bob.sandbox", key_pair=key))
    bob.send("sandbox", "1 NEAR")
    assert 8 * NEAR < int(sandbox_near.balance("bob.sandbox")) < 9 * NEAR


def test_deploy_call_view_and_a_panic(sandbox_near):
    code = Path(os.environ["NEAR_KIT_TEST_WASM"]).read_bytes()
    sandbox_near.send_transaction("pool.sandbox", [create_account(), transfer("20 NEAR"),
                                                   deploy_contract(code)])
    assert sandbox_near.contract_code("pool.sandbox").code == code
    sandbox_near.call("pool.sandbox", "deposit_and_stake", deposit="2 NEAR")
    assert int(sandbox_near.view("pool.sandbox", "stake_of",
                                 {"account_id": "sandbox"})) == 2 * NEAR
    sandbox_near.call("pool.sandbox", "set_failing", {"failing": True})
    try:
        sandbox_near.call("pool.sandbox", "deposit_and_stake", deposit="2 NEAR")
        raised = None
    except ContractPanicError as e:
        raised = e.panic
    assert raised and "failing" in raised


def test_fast_forward(sandbox_near):
    before = int(sandbox_near.rpc("block", {"finality": "final"})["header"]["height"])
    fast_forward(sandbox_near, 50)
    after = int(sandbox_near.rpc("block", {"finality": "final"})["header"]["height"])
    assert after >= before + 50


def test_patch_state(sandbox_near):
    patch_state(sandbox_near, [{"Account": {"account_id": "rich.sandbox", "account": {
        "amount": str(12345 * NEAR), "locked": "0",
        "code_hash": "11111111111111111111111111111111", "storage_usage": 182}}}])
    assert int(sandbox_near.balance("rich.sandbox")) == 12345 * NEAR
