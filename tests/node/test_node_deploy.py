"""near-safe deploy, end to end against the local node (never the internet).

The deploys run ``near-safe deploy`` in a Python that has near-kit and near_safe (with nearc)
in one process (tests/node/kitvenv.py); bad input is checked in this process, where it must be
refused before near-kit or the network is needed."""

import hashlib
import json
import os
import subprocess

from pathlib import Path

import base58 as b58
import pytest
from kitvenv import layered_python
from nacl.signing import SigningKey

from near_safe.cli import main
from near_safe.testing import NEAR, base58

EXAMPLE = Path(__file__).parents[2] / "examples" / "deposit_and_stake"


@pytest.fixture(scope="module")
def kit_python():
    return layered_python()


@pytest.fixture(scope="module")
def built():
    from near_safe.builder import build_contract

    return {"pool": build_contract(EXAMPLE / "staking_pool.py"),
            "vault": build_contract(EXAMPLE / "vault_safe.py")}


def _secret(key: SigningKey) -> str:
    return "ed25519:" + base58(bytes(key) + bytes(key.verify_key))


def _account(near_node, name: str, key: SigningKey) -> str:
    """A funded account with one full-access key (set up directly in the node's runtime)."""
    node = near_node.node
    with node.lock:
        node.rt.create_account(name, balance=50 * NEAR,
                               public_key=b"\x00" + bytes(key.verify_key))
    return name


def _credentials(home: Path, network: str, account: str, key: SigningKey) -> Path:
    path = home / ".near-credentials" / network / f"{account}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"account_id": account,
                                "public_key": "ed25519:" + base58(bytes(key.verify_key)),
                                "private_key": _secret(key)}))
    return path


def _run(python, home, *args, env=None):
    from near_safe._facts import cache_root

    full = {**os.environ, "HOME": str(home), "NEAR_SAFE_CACHE": str(cache_root())}
    full.pop("NEAR_PRIVATE_KEY", None)  # only the key a test gives
    full.update(env or {})
    return subprocess.run([python, "-m", "near_safe.cli", "deploy", *map(str, args)],
                          capture_output=True, text=True, timeout=300, env=full)


def _tx(near_node, out: str):
    text = out.split(" in transaction ")[1].split()[0]
    tx, _sig = near_node.node.txs[b58.b58decode(text)]
    return tx


def test_deploy_wasm_and_init_in_one_transaction(near_node, kit_python, built, tmp_path):
    key = SigningKey.generate()
    account = _account(near_node, "dep-vault.sandbox", key)
    _credentials(tmp_path, "localnet", account, key)
    r = _run(kit_python, tmp_path, built["vault"], "--account", account, "--network",
             near_node.url, "--init", "new", "--args", '{"pool": "somepool.sandbox"}')
    assert r.returncode == 0, r.stderr
    rt = near_node.node.rt
    code = built["vault"].read_bytes()
    assert rt.code(account) == code
    assert f"code hash {base58(hashlib.sha256(code).digest())}" in r.stdout
    # one transaction: the code and the init together, signed by the account itself
    tx = _tx(near_node, r.stdout)
    assert [type(a).__name__ for a in tx.actions] == ["DeployContract", "FunctionCall"]
    assert tx.signer_id == tx.receiver_id == account
    assert tx.actions[1].method_name == "new"
    # the init ran in it: its state holds the pool it was given
    assert any(b"somepool.sandbox" in v for v in rt.storage(account).values())
    assert "localnet" in r.stderr and str(tmp_path / ".near-credentials") in r.stderr


def test_deploy_py_builds_it_first(near_node, kit_python, built, tmp_path):
    key = SigningKey.generate()
    account = _account(near_node, "dep-pool.sandbox", key)
    _credentials(tmp_path, "localnet", account, key)
    r = _run(kit_python, tmp_path, EXAMPLE / "staking_pool.py", "--account", account,
             "--network", near_node.url)
    assert r.returncode == 0, r.stderr
    # the staking pool's build went on chain (compared by behaviour and by the hash the
    # command printed: the suite's Wasm cache may rebuild it meanwhile, if near_safe changes)
    rt = near_node.node.rt
    code = rt.code(account)
    assert f"code hash {base58(hashlib.sha256(code).digest())}" in r.stdout
    assert rt.view(account, "stake_of", {"account_id": "nobody.sandbox"}) in (0, "0")
    assert [type(a).__name__ for a in _tx(near_node, r.stdout).actions] == ["DeployContract"]


def test_failing_init_deploys_nothing(near_node, kit_python, built, tmp_path):
    key = SigningKey.generate()
    account = _account(near_node, "dep-bad.sandbox", key)
    _credentials(tmp_path, "localnet", account, key)
    before = near_node.node.rt.balance(account)
    r = _run(kit_python, tmp_path, built["vault"], "--account", account, "--network",
             near_node.url, "--init", "new", "--args", '{"pool": "NOT AN ACCOUNT"}')
    assert r.returncode == 1, r.stderr
    assert "nothing was deployed" in r.stderr and "new failed" in r.stderr
    assert near_node.node.rt.code(account) is None
    assert 0 < before - near_node.node.rt.balance(account) < NEAR // 100  # gas only


def test_key_from_the_environment(near_node, kit_python, built, tmp_path):
    key = SigningKey.generate()
    account = _account(near_node, "dep-env.sandbox", key)
    r = _run(kit_python, tmp_path, built["pool"], "--account", account, "--network",
             near_node.url, env={"NEAR_PRIVATE_KEY": _secret(key)})
    assert r.returncode == 0, r.stderr
    assert "$NEAR_PRIVATE_KEY" in r.stderr
    assert near_node.node.rt.code(account) == built["pool"].read_bytes()


def test_wrong_key_is_refused_with_the_fix(near_node, kit_python, built, tmp_path):
    account = _account(near_node, "dep-wrongkey.sandbox", SigningKey.generate())
    _credentials(tmp_path, "localnet", account, SigningKey.generate())  # not its key
    r = _run(kit_python, tmp_path, built["pool"], "--account", account, "--network",
             near_node.url)
    assert r.returncode == 2, r.stderr
    assert "full-access keys" in r.stderr
    assert near_node.node.rt.code(account) is None


def test_an_account_that_does_not_exist_is_named(near_node, kit_python, built, tmp_path):
    _credentials(tmp_path, "localnet", "ghost.sandbox", SigningKey.generate())
    r = _run(kit_python, tmp_path, built["pool"], "--account", "ghost.sandbox", "--network",
             near_node.url)
    assert r.returncode == 2, r.stderr
    assert "check that ghost.sandbox exists" in r.stderr
    assert not near_node.node.rt.exists("ghost.sandbox")


USER_SCRIPT = r'''
import sys, json
from near import Near, KeyPairSigner            # near-kit
from near.keys import parse_key
import near_safe                                # the contract side's CPython face
from near_safe.deploy import deploy
from near_safe.testing import Runtime           # the embedded runtime, same process

url, account, secret, wasm = sys.argv[1:5]
done = deploy(wasm, account, url, init="new", args={"pool": "p.sandbox"})
client = Near(rpc_url=url, signer=KeyPairSigner(account_id=account, key_pair=parse_key(secret)))
remote = client.view(account, "staked_of", {"account_id": "x.sandbox"})
rt = Runtime()
rt.deploy(account, wasm, init="new", args={"pool": "p.sandbox"})
local = rt.view(account, "staked_of", {"account_id": "x.sandbox"})
print(json.dumps({"remote": remote, "local": local, "tx": done.tx_hash,
                  "near_is_kit": hasattr(sys.modules["near"], "Near")}))
'''


def test_a_script_uses_near_kit_and_near_safe_in_one_process(near_node, kit_python, built,
                                                             tmp_path):
    key = SigningKey.generate()
    account = _account(near_node, "dep-script.sandbox", key)
    _credentials(tmp_path, "localnet", account, key)
    from near_safe._facts import cache_root

    r = subprocess.run([kit_python, "-c", USER_SCRIPT, near_node.url, account, _secret(key),
                        str(built["vault"])], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "HOME": str(tmp_path),
                            "NEAR_SAFE_CACHE": str(cache_root())})
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["remote"] == out["local"] == "0" and out["near_is_kit"]


# ------------------------------------------------------------- bad input (exit 2, the fix)

@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEAR_PRIVATE_KEY", raising=False)
    return tmp_path


def _deploy_cli(capsys, *args):
    code = main(["deploy", *map(str, args)])
    return code, capsys.readouterr().err


def test_missing_credentials(home, capsys, built):
    code, err = _deploy_cli(capsys, built["pool"], "--account", "alice.testnet")
    assert code == 2
    assert str(home / ".near-credentials" / "testnet" / "alice.testnet.json") in err
    assert "NEAR_PRIVATE_KEY" in err


def test_bad_json_args(home, capsys, built):
    code, err = _deploy_cli(capsys, built["pool"], "--account", "alice.testnet",
                            "--init", "new", "--args", "{pool: x}")
    assert code == 2 and "--args is not JSON" in err and "--args '{" in err
    code, err = _deploy_cli(capsys, built["pool"], "--account", "alice.testnet",
                            "--init", "new", "--args", "[1, 2]")
    assert code == 2 and "must be a JSON object" in err
    code, err = _deploy_cli(capsys, built["pool"], "--account", "alice.testnet",
                            "--args", "{}")
    assert code == 2 and "--args without --init" in err


def test_unknown_network(home, capsys, built):
    code, err = _deploy_cli(capsys, built["pool"], "--account", "alice.testnet",
                            "--network", "betanet")
    assert code == 2 and "unknown network 'betanet'" in err and "http://127.0.0.1:3030" in err


def test_bad_account_and_contract(home, capsys, built, tmp_path):
    code, err = _deploy_cli(capsys, built["pool"], "--account", "Alice!")
    assert code == 2 and "not a NEAR account id" in err
    code, err = _deploy_cli(capsys, tmp_path / "missing.wasm", "--account", "alice.testnet")
    assert code == 2 and "does not exist" in err
    code, err = _deploy_cli(capsys, tmp_path / "contract.txt", "--account", "alice.testnet")
    assert code == 2 and ".wasm" in err


def test_mainnet_asks_first(home, capsys, built, monkeypatch):
    # no terminal (pytest's stdin): refused before any request, naming --yes
    _credentials(home, "mainnet", "alice.near", SigningKey.generate())
    code, err = _deploy_cli(capsys, built["pool"], "--account", "alice.near",
                            "--network", "mainnet")
    assert code == 2 and "pass --yes" in err
    # a terminal that answers no: nothing sent
    from near_safe.deploy import _deploy

    with pytest.raises(Exception, match="not confirmed") as e:
        _deploy.deploy(built["pool"], "alice.near", "mainnet", confirm=lambda q: False)
    assert isinstance(e.value, _deploy.UsageError)


def test_near_sdk_py_stub_is_named_not_imported(home, capsys, built, monkeypatch):
    # this environment's `near` is near-sdk-py's stub (near-kit is not installed here)
    import sys

    _credentials(home, "testnet", "alice.testnet", SigningKey.generate())
    had = "near" in sys.modules
    code, err = _deploy_cli(capsys, built["pool"], "--account", "alice.testnet")
    assert code == 2
    assert "near-sdk-py's host-function stub" in err and "pip install" in err
    assert ("near" in sys.modules) == had  # found by find_spec, never imported
