"""near-kit relays a meta transaction (NEP-366) through near-safe node (run by
tests/node/test_node_delegate.py in near-kit's own virtualenv, see nearkit_client.py).

    python nearkit_delegate.py URL APP_WASM   -> prints a JSON report, exit 0

The user signs a delegate action with near-kit's ``Near.sign_delegate`` (a fresh key, an
account holding 1 NEAR); the relayer (the sandbox root) submits it with ``send_delegate``
and pays; then submits the same signed delegate again (a replay).
"""

import base64
import json
import sys
from pathlib import Path

from near import KeyPairSigner, Near
from near.actions import add_full_access_key, create_account, deploy_contract, function_call, \
    transfer
from near.keys import generate_key
from near.testing import sandbox_signer


def main(url, app_path):
    report = {}
    relayer = Near(rpc_url=url, signer=sandbox_signer(), retries=0)
    relayer.send_transaction("appkit.sandbox", [create_account(), transfer("5 NEAR"),
                                                deploy_contract(Path(app_path).read_bytes())])
    key = generate_key()
    relayer.send_transaction("userkit.sandbox", [create_account(), transfer("1 NEAR"),
                                                 add_full_access_key(key.public_key)])
    user = relayer.with_signer(KeyPairSigner(account_id="userkit.sandbox", key_pair=key))
    signed = user.sign_delegate("appkit.sandbox", [function_call("who", {}, gas="30 Tgas")])
    report["user_before"] = int(relayer.balance("userkit.sandbox"))
    res = relayer.send_delegate(signed)
    report["status"] = res.status
    report["receipts"] = {r.outcome["executor_id"]: r.outcome["status"]
                          for r in res.receipts_outcome}
    report["user_after"] = int(relayer.balance("userkit.sandbox"))
    report["delegate_nonce"] = signed.delegate_action.nonce
    try:
        relayer.send_delegate(signed)
        report["replay"] = "accepted"
    except Exception as e:  # near-kit's typed execution error
        report["replay"] = f"{type(e).__name__}: {e}"
    report["expected_value"] = base64.b64encode(b"userkit.sandbox").decode()
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:])
