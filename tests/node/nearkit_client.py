"""near-kit drives near-safe node (run by tests/node/test_node_nearkit.py in near-kit's own
virtualenv: near-kit's import package ``near`` and near-sdk-py's ``near`` cannot share one
site-packages, see docs/node.md).

    python nearkit_client.py URL POOL_WASM VAULT_WASM   -> prints a JSON report, exit 0
"""

import hashlib
import json
import sys
from pathlib import Path

import base58
from near import ContractPanicError, InsufficientBalanceError, KeyPairSigner, Near
from near.actions import (add_full_access_key, create_account, deploy_contract,
                          transfer)
from near.keys import key_from_test_seed
from near.testing import sandbox_signer

NEAR_ = 10**24


def main(url, pool_path, vault_path):
    report = {}
    root = Near(rpc_url=url, signer=sandbox_signer(), retries=0)
    key = key_from_test_seed("sandbox")

    def as_(account_id):
        return root.with_signer(KeyPairSigner(account_id=account_id, key_pair=key))

    pool_code = Path(pool_path).read_bytes()
    vault_code = Path(vault_path).read_bytes()
    report["root_balance"] = int(root.balance("sandbox"))
    # create + deploy in one batch each, signed by the root account
    for name, code in (("pool.sandbox", pool_code), ("vault.sandbox", vault_code)):
        root.send_transaction(name, [create_account(), transfer("20 NEAR"),
                                     add_full_access_key(key.public_key),
                                     deploy_contract(code)], wait_until="FINAL")
    root.send_transaction("alice.sandbox", [create_account(), transfer("50 NEAR"),
                                            add_full_access_key(key.public_key)])
    # view the code back
    code = root.contract_code("pool.sandbox")
    report["code_matches"] = code.code == pool_code
    report["code_hash_matches"] = (root.account("pool.sandbox").code_hash
                                   == base58.b58encode(hashlib.sha256(pool_code).digest()).decode())
    # init (private: the vault signs its own init)
    as_("vault.sandbox").call("vault.sandbox", "new", {"pool": "pool.sandbox"})
    alice = as_("alice.sandbox")
    # a cross-contract call with a callback: the vault stakes in the pool, on_staked credits
    res = alice.call("vault.sandbox", "deposit_and_stake", deposit="5 NEAR", gas="300 Tgas")
    report["stake_receipts"] = len(res.receipts_outcome)
    report["staked_of"] = int(root.view("vault.sandbox", "staked_of",
                                        {"account_id": "alice.sandbox"}))
    report["pool_stake_of_vault"] = int(root.view("pool.sandbox", "stake_of",
                                                  {"account_id": "vault.sandbox"}))
    # a failing call whose deposit comes back: the pool refuses, the callback gives it back
    alice.call("pool.sandbox", "set_failing", {"failing": True})
    before = int(alice.balance())
    try:
        alice.call("vault.sandbox", "deposit_and_stake", deposit="5 NEAR", gas="300 Tgas")
        report["failing_call_raised"] = False
    except ContractPanicError as e:
        report["failing_call_raised"] = True
        report["failing_call_panic"] = e.panic
    report["failing_call_cost"] = before - int(alice.balance())
    report["staked_of_after_failure"] = int(root.view("vault.sandbox", "staked_of",
                                                      {"account_id": "alice.sandbox"}))
    # a direct failing call with a deposit: the transaction fails, the deposit comes back
    before = int(alice.balance())
    try:
        alice.call("pool.sandbox", "deposit_and_stake", deposit="2 NEAR")
        report["direct_failure_raised"] = False
    except ContractPanicError:
        report["direct_failure_raised"] = True
    report["direct_failure_cost"] = before - int(alice.balance())
    # transaction status by hash
    res = alice.send("vault.sandbox", "1 NEAR")
    status = root.transaction_status(res.transaction_hash, sender_id="alice.sandbox")
    report["tx_status_matches"] = status.transaction_hash == res.transaction_hash
    # nearcore's InvalidNonce answer lets near-kit resync: a second client for the same key
    # makes the first one's cached nonce stale, and its next send still goes through
    other = as_("alice.sandbox")
    alice.send("vault.sandbox", "1 yocto")
    other.send("vault.sandbox", "1 yocto")
    alice.send("vault.sandbox", "1 yocto")
    report["stale_nonce_recovered"] = True
    # nearcore's NotEnoughBalance answer is near-kit's InsufficientBalanceError
    try:
        alice.send("vault.sandbox", "1000000 NEAR")
        report["insufficient_balance"] = None
    except InsufficientBalanceError as e:
        report["insufficient_balance"] = [e.required, e.available]
    report["alice_balance"] = int(alice.balance())
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:4])
