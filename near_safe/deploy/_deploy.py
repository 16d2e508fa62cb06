"""Deploy and initialize a contract in one transaction, through near-kit.

Every input is checked before the first network request (account id, network, init args,
contract file, key); a mainnet deploy is confirmed before any request.  Bad input raises
UsageError naming the fix (the CLI exits 2); a transaction that ran and failed raises
DeployFailed (exit 1): its batch was atomic, so nothing was deployed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from near_safe.errors import NearSafeError, UsageError

#: Public RPC endpoints of the named networks (near-kit's own table, repeated so that an
#: unknown name is refused before near-kit is imported).
NETWORKS = {"testnet": "https://rpc.testnet.near.org",
            "mainnet": "https://rpc.mainnet.near.org"}
KEY_ENV = "NEAR_PRIVATE_KEY"  # near-kit's variable (near/_core.py resolve_signer)
NEAR_KIT = "near-kit>=1.3,<2"
DEFAULT_GAS_TGAS = 100
# nearcore core/primitives/src/account/id: 2..64 chars, parts [a-z0-9] joined by - or _
_ACCOUNT_RE = re.compile(r"^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$")


class DeployFailed(NearSafeError):
    """The transaction ran and failed (an init that panicked, ...): nothing was deployed."""


@dataclass
class Deployed:
    account_id: str
    network: str  # testnet, mainnet or the chain_id a URL's node reports
    rpc_url: str
    tx_hash: str
    code_hash: str  # base58 sha256 of the code, as view_account's code_hash
    code_size: int
    actions: list = field(default_factory=list)  # ["DeployContract", "FunctionCall"]
    init: str | None = None
    init_result: object = None  # the init's JSON return value (None when it returns nothing)


# ==================================================================== checks (no network)

def check_account(account_id: str) -> str:
    if not (isinstance(account_id, str) and 2 <= len(account_id) <= 64
            and _ACCOUNT_RE.match(account_id)):
        raise UsageError(f"--account {account_id!r} is not a NEAR account id: 2-64 characters "
                         "of a-z, 0-9, '-', '_' in parts joined by '.', e.g. alice.testnet")
    return account_id


def resolve_network(network: str) -> tuple[str | None, str]:
    """``(name or None for a URL, RPC URL)``."""
    if network in NETWORKS:
        return network, NETWORKS[network]
    if isinstance(network, str) and re.match(r"^https?://[^\s/]+", network):
        return None, network.rstrip("/")
    raise UsageError(f"unknown network {network!r}: pass --network testnet, --network mainnet "
                     "or an RPC URL such as http://127.0.0.1:3030 (near-safe node)")


def parse_init_args(init: str | None, args) -> dict | None:
    """The init call's arguments: a JSON object (text or dict), or None for no init."""
    if init is None:
        if args is not None:
            raise UsageError("--args without --init: name the init method, e.g. "
                             "--init new --args '{\"owner\": \"alice.testnet\"}'")
        return None
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", init or ""):
        raise UsageError(f"--init {init!r} is not a method name: pass the contract's init "
                         "function, e.g. --init new")
    if args is None:
        return {}
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except ValueError as e:
            raise UsageError(f"--args is not JSON ({e}): pass a JSON object in single quotes, "
                             "e.g. --args '{\"owner\": \"alice.testnet\"}'") from None
    if not isinstance(args, dict):
        raise UsageError(f"--args must be a JSON object (the init's named arguments), not "
                         f"{type(args).__name__}: e.g. --args '{{\"owner\": \"alice.testnet\"}}'")
    return args


def check_contract(contract) -> Path:
    path = Path(contract)
    if path.suffix not in (".py", ".wasm"):
        raise UsageError(f"{path}: pass a contract source (.py, built first) or a compiled "
                         ".wasm")
    if not path.is_file():
        raise UsageError(f"{path} does not exist: pass the path of a .py contract or a .wasm")
    return path


def credentials_path(network: str, account_id: str) -> Path:
    """near-cli's credentials file (near-cli-rs' legacy keychain writes the same)."""
    return Path.home() / ".near-credentials" / network / f"{account_id}.json"


def load_secret(account_id: str, network: str) -> tuple[str, str]:
    """``(secret key text, where it came from)``: NEAR_PRIVATE_KEY, else the credentials file."""
    secret = os.environ.get(KEY_ENV)
    if secret:
        where = f"${KEY_ENV}"
    else:
        path = credentials_path(network, account_id)
        if not path.is_file():
            raise UsageError(
                f"no key for {account_id} on {network}: put near-cli's credentials file at "
                f"{path} (`near login` or `near account import-account` writes it) or set "
                f"{KEY_ENV}=ed25519:<secret key>")
        try:
            data = json.loads(path.read_text())
            secret = data.get("private_key") or data.get("secret_key")
        except (ValueError, AttributeError, OSError) as e:
            raise UsageError(f"{path} is not a near-cli credentials file ({e}): it holds "
                             "{\"account_id\", \"public_key\", \"private_key\"}") from None
        if not secret:
            raise UsageError(f"{path} has no private_key: write it again with near-cli, or "
                             f"set {KEY_ENV}")
        if data.get("account_id", account_id) != account_id:
            raise UsageError(f"{path} holds the key of {data.get('account_id')!r}, not "
                             f"{account_id}: pass --account {data.get('account_id')} or fix "
                             "the file")
        where = str(path)
    if not isinstance(secret, str) or not secret.startswith("ed25519:"):
        raise UsageError(f"the key in {where} is not an ed25519 secret key: expected "
                         "ed25519:<base58>")
    return secret, where


def near_kit():
    """near-kit's ``near`` package, or UsageError naming the fix.

    near-kit's import package is ``near``; near-sdk-py (which contracts and near_safe's
    builder use) ships a ``near`` folder too - a stub of the contract host functions that
    near_safe itself never imports.  Whichever was installed last owns ``near/__init__.py``.
    The stub is recognised WITHOUT importing it (find_spec), so this check changes nothing
    in the process."""
    spec = importlib.util.find_spec("near")
    install = (f"pip install '{NEAR_KIT}' (into this environment after near-sdk-py, or into a "
               "virtualenv made with --system-site-packages over it: docs/node.md)")
    if spec is None or not spec.origin:
        raise UsageError(f"near-safe deploy sends through near-kit, which is not installed: "
                         f"{install}")
    if not (Path(spec.origin).parent / "client.py").is_file():
        raise UsageError(
            f"the `near` package at {Path(spec.origin).parent} is near-sdk-py's host-function "
            f"stub, not near-kit (both install a `near` folder; the last one installed wins): "
            f"pip install --force-reinstall --no-deps '{NEAR_KIT}', or {install}")
    import near
    import near.actions
    import near.errors
    import near.keys

    return near


def contract_code(path: Path) -> bytes:
    if path.suffix == ".wasm":
        code = path.read_bytes()
    else:
        from near_safe.builder import build_contract

        code = build_contract(path).read_bytes()
    if code[:4] != b"\0asm":
        raise UsageError(f"{path} is not a Wasm module (no \\0asm header): pass a .wasm that "
                         "near-safe build or nearc produced, or the .py source")
    return code


def _b58(raw: bytes) -> str:
    import base58

    return base58.b58encode(raw).decode()


# ==================================================================== deploy

def deploy(contract, account_id: str, network: str = "testnet", init: str | None = None,
           args=None, *, gas_tgas: int = DEFAULT_GAS_TGAS, yes: bool = False,
           confirm=None, progress=None) -> Deployed:
    """Deploy ``contract`` (.py: built first) to ``account_id`` and call ``init`` with ``args``
    in the same transaction.  ``confirm(question) -> bool`` is asked before a mainnet deploy
    unless ``yes``; without it a mainnet deploy needs ``yes=True``."""
    say = progress or (lambda line: None)
    check_account(account_id)
    name, url = resolve_network(network)
    init_args = parse_init_args(init, args)
    path = check_contract(contract)
    if not isinstance(gas_tgas, int) or not 1 <= gas_tgas <= 1000:
        raise UsageError(f"--gas {gas_tgas}: pass whole Tgas from 1 to 1000 (the init's "
                         "prepaid gas; the deploy's own cost is separate)")
    secret = where = None
    if name is not None:  # a named network: key and confirmation before any request
        secret, where = load_secret(account_id, name)
        _confirm(name, account_id, path, init, yes, confirm)
    near = near_kit()
    code = contract_code(path)
    if secret is not None:
        key = near.keys.parse_key(secret)
    else:  # a URL: status first (unsigned); near-kit's Near() would read NEAR_PRIVATE_KEY
        key = near.keys.key_from_test_seed("near-safe deploy: status only")  # without an id
    client = near.Near(rpc_url=url, retries=1,
                       signer=near.KeyPairSigner(account_id=account_id, key_pair=key))
    try:
        if name is None:  # a URL: the node says which chain it is
            name = _chain_id(client, url)
            secret, where = load_secret(account_id, name)
            _confirm(name, account_id, path, init, yes, confirm)
            client = client.with_signer(near.KeyPairSigner(
                account_id=account_id, key_pair=near.keys.parse_key(secret)))
        say(f"deploying {path.name} ({len(code):,} bytes) to {account_id} on {name} ({url}), "
            f"key from {where}")
        actions = [near.actions.deploy_contract(code)]
        if init is not None:
            actions.append(near.actions.function_call(init, init_args, gas=f"{gas_tgas} Tgas"))
        result = _send(near, client, account_id, actions, init)
    finally:
        client.close()
    init_result = None
    if init is not None and result.success_value:
        try:
            init_result = result.json_value()
        except ValueError:
            init_result = result.success_value.decode("utf-8", "replace")
    return Deployed(account_id=account_id, network=name, rpc_url=url,
                    tx_hash=result.transaction_hash, code_hash=_b58(hashlib.sha256(code).digest()),
                    code_size=len(code), init=init, init_result=init_result,
                    actions=["DeployContract"] + (["FunctionCall"] if init else []))


def _confirm(network, account_id, path, init, yes, confirm):
    if network != "mainnet" or yes:
        return
    question = (f"Deploy {path} to {account_id} on MAINNET"
                + (f" and call {init}" if init else "") + "? [y/N] ")
    if confirm is None:
        raise UsageError("a mainnet deploy needs confirmation and there is no terminal to ask: "
                         "pass --yes")
    if not confirm(question):
        raise UsageError("mainnet deploy not confirmed: nothing was sent (pass --yes to skip "
                         "the question)")


def _chain_id(client, url: str) -> str:
    try:
        status = client.rpc("status", [])
    except Exception as e:  # a connection error is input (a wrong URL), named below
        raise UsageError(f"cannot read the status of {url} ({type(e).__name__}: {e}): check "
                         "the URL, or start a local node with near-safe node") from None
    chain = status.get("chain_id") if isinstance(status, dict) else None
    if not isinstance(chain, str) or not chain:
        raise UsageError(f"{url} answered status without a chain_id: is it a NEAR RPC node?")
    return chain


def _send(near, client, account_id, actions, init):
    errors = near.errors
    try:
        return client.send_transaction(account_id, actions, wait_until="FINAL")
    except errors.ContractPanicError as e:
        raise DeployFailed(f"{init} failed: {e.panic or e}; nothing was deployed (the code and "
                           "the init are one atomic transaction)") from None
    except (errors.AccountNotFoundError, errors.AccessKeyNotFoundError,
            errors.InsufficientBalanceError, errors.InvalidKeyError) as e:
        raise UsageError(f"the network refused the transaction ({type(e).__name__}: {e}): "
                         f"check that {account_id} exists and that the key is one of its "
                         "full-access keys, with enough balance for the code's storage") \
            from None
    except errors.NearError as e:
        raise DeployFailed(f"the deploy transaction failed ({type(e).__name__}: {e}); "
                           "nothing was deployed") from None
