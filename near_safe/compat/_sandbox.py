"""``EmbeddedSandboxManager``: near-pytest's ``SandboxManager`` with no ``neard`` process.

near-pytest starts one sandbox per ``NearTestCase`` class (``setup_class``) and one for the
session ``sandbox`` fixture.  Here each start gives a fresh in-process :class:`EmbeddedChain`
(a :class:`near_safe.testing.Runtime` with the sandbox's genesis), reached by the client through
``rpc_endpoint()`` (``embedded://near-safe/<n>``), so classes stay isolated exactly as separate
sandboxes would be.  No binary is looked up or downloaded, no port is opened.

CPython only.
"""

from __future__ import annotations

import base64
import itertools
import warnings
import weakref

import base58
from near_pytest.sandbox import SandboxManager

from near_safe.errors import RuntimeSimError
from near_safe.testing import (
    NEAR,
    AccessKey,
    AddKey,
    CreateAccount,
    DeployContract,
    InvalidTransaction,
    Runtime,
)
from near_safe.testing import validate_account_id

from . import _results
from ._errors import SANDBOX_ALTERNATIVE, AccountCreationFailed, UnsupportedOnEmbedded

MASTER_ACCOUNT = "test.near"
# `neard init --chain-id localnet` (what near-sandbox runs) gives the validator account
# test.near TESTING_INIT_BALANCE = 1e9 NEAR liquid and TESTING_INIT_STAKE = 5e7 NEAR locked.
GENESIS_AMOUNT = 1_000_000_000 * NEAR
GENESIS_LOCKED = 50_000_000 * NEAR

_ports = itertools.count(1)
_chains: weakref.WeakValueDictionary[str, EmbeddedChain] = weakref.WeakValueDictionary()

ENDPOINT_PREFIX = "embedded://near-safe/"


def chain_for_endpoint(rpc_endpoint: str) -> EmbeddedChain:
    chain = _chains.get(rpc_endpoint)
    if chain is None:
        raise UnsupportedOnEmbedded(
            f"NearClient for RPC endpoint {rpc_endpoint!r}",
            "With NEAR_SAFE_BACKEND=embedded a client can only talk to an embedded sandbox: "
            "build it from SandboxManager().rpc_endpoint() after start(). " + SANDBOX_ALTERNATIVE)
    return chain


def signing_key(private_key: str):
    """PyNaCl's SigningKey for a NEAR private key text (``ed25519:<base58>`` of the 64-byte
    expanded key near-pytest and py-near write, or of a 32-byte seed)."""
    from nacl.signing import SigningKey

    curve, _, data = private_key.partition(":")
    if curve != "ed25519":
        raise UnsupportedOnEmbedded(f"{curve} access keys", "Use ed25519 keys.")
    return SigningKey(base58.b58decode(data)[:32])


def key_text(public_key: bytes) -> str:
    """Borsh public key -> ``ed25519:<base58>``."""
    return "ed25519:" + base58.b58encode(public_key[1:]).decode()


def borsh_public_key(text: str) -> bytes:
    """``ed25519:<base58>`` -> borsh PublicKey (key type 0 + 32 bytes), as the runtime keys."""
    curve, _, data = text.partition(":")
    if curve != "ed25519":
        raise UnsupportedOnEmbedded(f"{curve} access keys", "Use ed25519 keys.")
    return b"\x00" + base58.b58decode(data)


class StateRecords(list):
    """What ``dump_state()`` returns: nearcore-style state records (Account, AccessKey, Data,
    Contract code hash) that near-pytest can count and pass back to ``sandbox_patch_state``,
    plus the exact runtime snapshot they were taken from, which ``reset_state`` restores."""

    def __init__(self, records, snapshot):
        super().__init__(records)
        self.snapshot = snapshot


class EmbeddedChain:
    """One embedded chain as near-pytest's client needs it (the adapter between NearClient's
    vocabulary and :class:`near_safe.testing.Runtime`)."""

    def __init__(self, mode: str = "wasm"):
        from ._client import _new_key_pair

        self.rt = Runtime(mode=mode)
        self.master_private_key, self.master_public_key = _new_key_pair()
        self.rt.create_account(MASTER_ACCOUNT, balance=GENESIS_AMOUNT,
                               public_key=borsh_public_key(self.master_public_key))
        self.rt.patch_state(MASTER_ACCOUNT, locked=GENESIS_LOCKED)
        # private keys of the accounts this chain created for near-pytest (by account id)
        self.private_keys = {MASTER_ACCOUNT: self.master_private_key}
        self.genesis = self.rt.snapshot()

    # -- queries -------------------------------------------------------------------------

    def account_exists(self, account_id: str) -> bool:
        return self.rt.exists(account_id)

    def view_account(self, account_id: str) -> dict:
        if not self.rt.exists(account_id):
            raise _results.rpc_error(
                "UNKNOWN_ACCOUNT", f"account {account_id} does not exist while viewing",
                {"requested_account_id": account_id})
        view = self.rt.account(account_id)
        return {
            "amount": str(view.amount),
            "locked": str(view.locked),
            "code_hash": _results.code_hash_b58(view.code_hash),
            "storage_usage": view.storage_usage,
            "storage_paid_at": 0,
            "block_height": self.rt.height,
            "block_hash": _results._BLOCK_HASH,
        }

    def view(self, contract_id: str, method: str, args_bytes: bytes) -> bytes:
        """Bytes a view returns; py-near's exceptions where the node would answer an error."""
        from py_near.account import ViewFunctionError

        if not self.rt.exists(contract_id):
            raise _results.rpc_error(
                "UNKNOWN_ACCOUNT", f"account {contract_id} does not exist while viewing",
                {"requested_account_id": contract_id})
        if self.rt.account(contract_id).code_hash is None:
            raise _results.rpc_error(
                "NO_CONTRACT_CODE", f"Contract code for contract ID {contract_id} has never "
                "been observed on the node", {"contract_account_id": contract_id})
        outcome = self.rt.view_outcome(contract_id, method, args_bytes)
        if outcome.aborted is not None:
            raise ViewFunctionError(_results.view_error_text(outcome.aborted))
        if outcome.return_data is None or outcome.return_data[0] != "value":
            return b""
        return bytes(outcome.return_data[1])

    # -- transactions --------------------------------------------------------------------

    def _execute(self, signer_id: str, receiver_id: str, actions: list, private_key: str):
        """Sign with ``private_key`` (the key near-pytest holds for the signer) and run the
        transaction; the runtime checks the signature and the key as neard does.  Returns the
        outcome and the nonce used."""
        try:
            validate_account_id(receiver_id)
        except RuntimeSimError as exc:
            raise _results.invalid_tx_error("InvalidReceiverId", str(exc),
                                            {"receiver_id": receiver_id}) from None
        key = signing_key(private_key)
        pk = b"\x00" + bytes(key.verify_key)
        # the fields nearcore's variants carry (errors.rs)
        fields = {"InvalidAccessKeyError": {"account_id": signer_id, "public_key": key_text(pk)},
                  "SignerDoesNotExist": {"signer_id": signer_id}}
        tx = self.rt.prepare_transaction(signer_id, receiver_id, actions, pk)
        try:
            out = self.rt.execute_signed(tx, key.sign(tx.hash).signature)
        except InvalidTransaction as exc:
            raise _results.invalid_tx_error(exc.kind, exc.message,
                                            fields.get(exc.kind, {})) from None
        if out.status == "invalid":
            kind, _, message = (out.invalid or "InvalidTxError").partition(":")
            kind = kind.strip()
            raise _results.invalid_tx_error(kind, message.strip(), fields.get(kind, {}))
        return out, tx.nonce

    def create_account(self, creator_id: str, creator_key: str, account_id: str,
                       private_key: str, balance: int):
        """CreateAccount + AddKey(full access) + Transfer, signed by ``creator_id`` with
        ``creator_key``: what py-near's ``Account.create_account`` sends, so the creator pays
        the balance and fees.  ``private_key`` is the new account's key pair (its public half
        is added)."""
        from near_safe.testing import Transfer

        if self.rt.exists(account_id):
            # The sandbox answers with a failed transaction that NearClient ignores, then
            # caches the new, unregistered key, so later calls from the account fail there
            # with UnknownAccessKeyError.  Here the account keeps its registered key and works;
            # say so rather than pass over it (near-pytest's `sandbox_bob` and
            # `localnet_bob_account` are two fixtures creating the same account).
            warnings.warn(
                f"near-pytest created account {account_id!r} a second time: on the neard "
                "sandbox this fails and later calls from it raise UnknownAccessKeyError; the "
                "embedded backend keeps the existing account and its key", UserWarning,
                stacklevel=4)
            return None
        pk = b"\x00" + bytes(signing_key(private_key).verify_key)
        out, _ = self._execute(creator_id, account_id,
                               [CreateAccount(), AddKey(pk, AccessKey(nonce=0)),
                                Transfer(deposit=balance)], creator_key)
        if out.status != "success":
            raise AccountCreationFailed(
                f"creating {account_id} from {creator_id} failed: {out.error}. The sandbox "
                "would ignore this and fail every later call from the account; fix the balance "
                "or the name (a sub-account's id must end with its creator's id).")
        self.private_keys[account_id] = private_key
        return out

    def function_call(self, signer_id, private_key, receiver_id, method, args_bytes, deposit,
                      gas):
        from near_safe.testing import FunctionCall

        return self._execute(signer_id, receiver_id,
                             [FunctionCall(method_name=method, args=args_bytes, gas=gas,
                                           deposit=deposit)], private_key)

    def deploy(self, account_id: str, private_key: str, code: bytes):
        code = bytes(code)
        if self.rt.mode == "python":
            code = self._python_code(code)
        return self._execute(account_id, account_id, [DeployContract(code=code)], private_key)

    def _python_code(self, wasm: bytes) -> bytes:
        """In python mode the DeployContract action carries the contract's source: the
        runtime knows that code by hash and runs it under CPython.  (Deploy fees are then
        charged on the source's length, not the Wasm's: gas figures come from wasm mode.)"""
        from ._compiler import source_for

        source = source_for(wasm)
        if source is None:
            raise UnsupportedOnEmbedded(
                "python mode for a contract not built by compile_contract()",
                "Python mode runs the contract's source, which it finds through "
                "compile_contract('contract.py'); build it that way or use the default wasm "
                "mode (--near-compat-mode=wasm).")
        return self.rt.contract_code(source).code

    # -- state dump / patch --------------------------------------------------------------

    def dump_state(self) -> StateRecords:
        records = []
        for account_id in self.rt.accounts:
            view = self.rt.account(account_id)
            records.append({"Account": {"account_id": account_id, "account": {
                "amount": str(view.amount), "locked": str(view.locked),
                "code_hash": _results.code_hash_b58(view.code_hash),
                "storage_usage": view.storage_usage, "version": "V1"}}})
            for pk in self.rt.access_keys(account_id):
                records.append({"AccessKey": {
                    "account_id": account_id,
                    "public_key": "ed25519:" + base58.b58encode(pk[1:]).decode(),
                    "access_key": {"nonce": 0, "permission": "FullAccess"}}})
            for key, value in sorted(self.rt.storage(account_id).items()):
                records.append({"Data": {"account_id": account_id,
                                         "data_key": base64.b64encode(key).decode(),
                                         "value": base64.b64encode(value).decode()}})
        return StateRecords(records, self.rt.snapshot())

    def patch_state(self, records) -> dict:
        """``sandbox_patch_state``.  Records from :meth:`dump_state` restore that exact state
        (see docs/near-pytest.md for how this differs from the sandbox, which overwrites the
        listed records but keeps anything created later).  Hand-written Account and Data
        records are applied one by one; other record kinds raise UnsupportedOnEmbedded."""
        if isinstance(records, StateRecords):
            self.rt.restore(records.snapshot)
            return {}
        for record in records or []:
            (kind, body), = record.items()
            account_id = body.get("account_id")
            if kind == "Account":
                acct = body["account"]
                if not self.rt.exists(account_id):
                    self.rt.create_account(account_id, balance=int(acct["amount"]))
                self.rt.patch_state(account_id, amount=int(acct["amount"]),
                                    locked=int(acct.get("locked", 0)))
            elif kind == "Data":
                self.rt.patch_state(account_id, data={
                    base64.b64decode(body["data_key"]): base64.b64decode(body["value"])})
            else:
                raise UnsupportedOnEmbedded(
                    f"sandbox_patch_state with a hand-written {kind!r} record",
                    "Patch balances with Account records and contract storage with Data "
                    "records, deploy code with deploy_contract(), or restore a dump_state() "
                    "result as a whole. " + SANDBOX_ALTERNATIVE)
        return {}

    def reset_to_genesis(self) -> None:
        self.rt.restore(self.genesis)


class InProcessSandboxManager(SandboxManager):
    """What near-pytest's ``SandboxManager`` does around a ``neard`` process, for a backend that
    runs in this process: one instance per class, nothing to wait for."""

    _instance = None

    @classmethod
    def get_instance(cls, home_dir=None, port=None):
        if cls.__dict__.get("_instance") is None:  # one per subclass, not shared
            cls._instance = cls(home_dir, port)
        return cls._instance

    def _wait_for_start(self, timeout=30, interval=0.5):
        return None


class EmbeddedSandboxManager(InProcessSandboxManager):
    """near-pytest's ``SandboxManager`` backed by an in-process :class:`EmbeddedChain`."""

    def __init__(self, home_dir=None, port=None):
        # No temp directory, no socket, no atexit hook: nothing outlives the process.
        self._port = port or next(_ports)
        self._home_dir = home_dir
        self._process = None
        self._binary_path = None
        self._chain: EmbeddedChain | None = None
        self._running = False

    @property
    def chain(self) -> EmbeddedChain:
        if self._chain is None:
            from . import current_mode

            self._chain = EmbeddedChain(mode=current_mode())
            _chains[self.rpc_endpoint()] = self._chain
        return self._chain

    @property
    def runtime(self) -> Runtime:
        """The :class:`near_safe.testing.Runtime` behind this sandbox, for tests that want the
        embedded runtime's extra control (rt.submit / rt.step / rt.pending)."""
        return self.chain.rt

    def start(self):
        self.chain  # noqa: B018  create on first start; a restart keeps the state, like neard
        self._running = True

    def stop(self):
        self._running = False

    def is_running(self) -> bool:
        return self._running

    def rpc_endpoint(self) -> str:
        return f"{ENDPOINT_PREFIX}{self._port}"

    def get_validator_key(self) -> str:
        return self.chain.master_private_key

    def dump_state(self) -> list:
        return self.chain.dump_state()

    def reset_state(self):
        """Back to genesis (the sandbox restarts on a fresh data directory)."""
        self.chain.reset_to_genesis()

    def _run_command(self, args: list):
        raise UnsupportedOnEmbedded(f"neard command {' '.join(map(str, args))!r}",
                                    SANDBOX_ALTERNATIVE)
