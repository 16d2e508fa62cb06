"""``EmbeddedNearClient``: near-pytest's ``NearClient`` with the RPC node replaced by
near_safe's embedded runtime.

near-pytest's ``Account``, ``Contract``, ``NearTestCase`` and fixtures talk to the chain only
through ``NearClient`` (``call_function``, ``view_function``, ``create_account``,
``deploy_contract``, ``view_account``, ``create_subaccount``) plus one raw RPC,
``sandbox_patch_state``, reached through ``client._master_account.provider.json_rpc`` by
``reset_state``.  This class implements exactly that surface on an :class:`EmbeddedChain`;
everything above it is near-pytest's own unchanged code.

CPython only.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

from near_pytest.client import NearClient
from py_near.constants import DEFAULT_ATTACHED_GAS

from . import _results
from ._errors import SANDBOX_ALTERNATIVE, UnsupportedOnEmbedded

# near-pytest's defaults (client.py): 10 NEAR for create_account, 1 NEAR for create_subaccount
DEFAULT_ACCOUNT_BALANCE = 10_000_000_000_000_000_000_000_000
DEFAULT_SUBACCOUNT_BALANCE = 1_000_000_000_000_000_000_000_000


def _chain_for(rpc_endpoint: str):
    from ._sandbox import chain_for_endpoint

    return chain_for_endpoint(rpc_endpoint)


class EmbeddedProvider:
    """Stands in for py-near's ``JsonProvider``.  Only the RPC methods near-pytest itself sends
    are served; any other raises :class:`UnsupportedOnEmbedded` naming the method."""

    def __init__(self, chain):
        self._chain = chain

    async def json_rpc(self, method, params, broadcast=False, threshold=None):
        if method == "sandbox_patch_state":
            return self._chain.patch_state(params.get("records"))
        if method == "sandbox_fast_forward":
            raise UnsupportedOnEmbedded(
                "RPC 'sandbox_fast_forward'",
                "Blocks advance by receipt steps here: drive them with the embedded runtime's "
                "rt.step() / rt.run(). " + SANDBOX_ALTERNATIVE,
            )
        raise UnsupportedOnEmbedded(f"raw JSON-RPC method {method!r}", SANDBOX_ALTERNATIVE)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedOnEmbedded(f"py-near JsonProvider.{name}", SANDBOX_ALTERNATIVE)


class EmbeddedSigner:
    """Stands in for the ``py_near.account.Account`` objects NearClient caches per account:
    holds the account id and its key pair; transactions from the account are signed with that
    key and the runtime checks it against the account's access keys, as neard does.
    near-pytest reaches only ``.provider`` (for ``sandbox_patch_state``); any other py-near
    method raises :class:`UnsupportedOnEmbedded`."""

    def __init__(self, account_id: str, private_key: str, provider):
        from ._sandbox import key_text, signing_key

        self.account_id = account_id
        self.private_key = private_key
        self.public_key = key_text(b"\x00" + bytes(signing_key(private_key).verify_key))
        self.provider = provider
        self._provider = provider

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedOnEmbedded(
            f"py-near Account.{name} (client._accounts / client._master_account)",
            "Use near-pytest's Account / Contract objects (call_contract, view_contract, "
            "call_as, view) or NearClient's methods, which the embedded runtime serves. "
            + SANDBOX_ALTERNATIVE,
        )


def _new_key_pair():
    """A real ed25519 key pair in NEAR's text form, as NearClient makes one per account."""
    import base58
    from nacl.signing import SigningKey

    key = SigningKey.generate()
    public = "ed25519:" + base58.b58encode(bytes(key.verify_key)).decode()
    private = "ed25519:" + base58.b58encode(key._signing_key).decode()
    return private, public


class EmbeddedNearClient(NearClient):
    """near-pytest's ``NearClient`` running on the embedded runtime: same constructor, same
    methods, same return types (``py_near.models.TransactionResult`` for transactions, the
    JSON-decoded value for views), same exceptions (py-near's, built from the same RPC JSON)."""

    def __init__(self, rpc_endpoint: str, master_account_id: str, master_key: str):
        self.rpc_endpoint = rpc_endpoint
        self.master_account_id = master_account_id
        self.master_key = master_key
        self._accounts: dict[str, EmbeddedSigner] = {}
        self._loop = asyncio.new_event_loop()
        self._chain = _chain_for(rpc_endpoint)
        self._provider = EmbeddedProvider(self._chain)
        if not self._chain.account_exists(master_account_id):
            raise _results.rpc_error(
                "UNKNOWN_ACCOUNT", f"account {master_account_id} does not exist while viewing",
                {"requested_account_id": master_account_id})
        self._master_account = self._get_or_create_account(master_account_id, master_key)

    # -- plumbing near-pytest uses directly (reset_state) --------------------------------

    def _run_async(self, coro) -> Any:
        return self._loop.run_until_complete(coro)

    def _get_or_create_account(self, account_id: str, private_key: str | None = None):
        if account_id in self._accounts:
            return self._accounts[account_id]
        if not self._chain.account_exists(account_id):
            # py-near's Account.startup() fetches the access key first: the node answers
            # UNKNOWN_ACCOUNT for an account that does not exist.
            raise _results.rpc_error(
                "UNKNOWN_ACCOUNT", f"account {account_id} does not exist while viewing",
                {"requested_account_id": account_id})
        if private_key is None:
            # as NearClient does: a fresh key pair, which the account does not have (neard then
            # refuses its transactions: InvalidAccessKeyError AccessKeyNotFound)
            private_key, _ = _new_key_pair()
        signer = EmbeddedSigner(account_id, private_key, self._provider)
        self._accounts[account_id] = signer
        return signer

    # -- NearClient's public surface ------------------------------------------------------

    def create_account(self, name: str, initial_balance: int | None = None) -> str:
        account_id = f"{name}.{self.master_account_id}"
        self._create(self.master_account_id, account_id,
                     initial_balance or DEFAULT_ACCOUNT_BALANCE)
        return account_id

    def create_subaccount(self, parent_account_id: str, subaccount_name: str,
                          initial_balance: int | None = None) -> str:
        if parent_account_id not in self._accounts:
            raise ValueError(f"Parent account {parent_account_id} not found or not initialized")
        subaccount_id = f"{subaccount_name}.{parent_account_id}"
        self._create(parent_account_id, subaccount_id,
                     initial_balance or DEFAULT_SUBACCOUNT_BALANCE)
        return subaccount_id

    def _create(self, creator_id: str, account_id: str, balance: int) -> None:
        private, _ = _new_key_pair()
        creator = self._get_or_create_account(creator_id)
        # NearClient ignores the transaction's outcome; the chain warns about an account that
        # already exists and raises for a creation that fails (see EmbeddedChain).
        if self._chain.create_account(creator_id, creator.private_key, account_id, private,
                                      balance) is None:
            # existed already: keep the key the chain created it with, if it did
            self._accounts.pop(account_id, None)
            self._get_or_create_account(account_id, self._chain.private_keys.get(account_id))
            return
        self._accounts.pop(account_id, None)
        self._get_or_create_account(account_id, private)

    def call_function(self, sender_id: str, contract_id: str, method_name: str,
                      args: dict[str, Any] | None = None, amount: int = 0,
                      gas: int | None = DEFAULT_ATTACHED_GAS):
        sender = self._get_or_create_account(sender_id)
        if gas is None:
            gas = DEFAULT_ATTACHED_GAS
        args_bytes = json.dumps(args or {}).encode("utf8")  # py-near's serialisation
        tx_out, nonce = self._chain.function_call(sender_id, sender.private_key, contract_id,
                                                  method_name, args_bytes, int(amount), int(gas))
        action = _results.function_call_action(method_name, args_bytes, int(gas), int(amount))
        return _results.to_transaction_result(tx_out, sender.public_key, nonce, [action])

    def view_function(self, contract_id: str, method_name: str,
                      args: dict[str, Any] | None = None) -> Any:
        args_bytes = json.dumps(args or {}).encode("utf8")
        raw = self._chain.view(contract_id, method_name, args_bytes)
        return _results.latin1_json(raw)

    def deploy_contract(self, account_id: str, wasm_file: str | bytes | Path) -> Any:
        signer = self._get_or_create_account(account_id)
        if isinstance(wasm_file, (str, Path)):
            with open(wasm_file, "rb") as f:
                wasm_binary = f.read()
        else:
            wasm_binary = wasm_file
        tx_out, nonce = self._chain.deploy(account_id, signer.private_key, wasm_binary)
        # the RPC shows a deploy's code by hash, not the bytes
        action = {"DeployContract": {"code": _results.code_hash_b58(
            hashlib.sha256(wasm_binary).digest())}}
        return _results.to_transaction_result(tx_out, signer.public_key, nonce, [action])

    def view_account(self, account_id: str) -> Any:
        return self._chain.view_account(account_id)

    def __del__(self):
        loop = getattr(self, "_loop", None)
        if loop is not None and not loop.is_closed():
            loop.close()
