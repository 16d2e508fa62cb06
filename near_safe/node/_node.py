"""The node: NEAR JSON-RPC methods on the embedded Runtime (Wasm mode), one lock around it.

Only the Runtime's public surface is used (near_safe.testing.Runtime).  Every method answers
in nearcore's shapes (see _views.py for the files they follow); a request that fails leaves the
state as it was (a transaction that fails validation is rolled back with a snapshot, which
also undoes the runtime's id counters, so a replay from the log reproduces the same ids).

Transactions commit synchronously: ``send_tx`` verifies the signature and the block hash,
runs the whole receipt tree to idle, writes the transaction to the store (when ``--state``
is given) and only then answers.  So every answer a client saw is on disk.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
import time

from near_safe.errors import RuntimeSimError
from near_safe.testing import NEAR, Config, InvalidTransaction, Runtime

from . import _views as V
from ._borsh import BorshError, decode_signed_transaction
from ._views import RpcFailure

#: nearcore genesis ``transaction_validity_period`` (blocks a signed block hash stays valid).
TX_VALIDITY_PERIOD = 86_400
#: The sandbox's root account and test seed (nearcore ``--test-seed``: the seed string's UTF-8
#: right-padded with spaces to 32 bytes is the ed25519 secret seed; near-kit
#: keys.key_from_test_seed / testing.sandbox_signer).
ROOT_ACCOUNT = "sandbox"
TEST_SEED = "sandbox"
GENESIS_ACCOUNTS = ("sandbox", "test.near")
GENESIS_BALANCE = 10**9 * NEAR
CHAIN_ID = "localnet"

#: Heights whose state a query with block_id can read: the last ones a transaction's receipts
#: ran through or the node finished a change at (blocks produced empty in a batch - a
#: fast-forward - are not kept one by one).
HISTORY = 256
#: Seconds between a sandbox_patch_state answer and the block that follows it.
PATCH_BLOCK_DELAY = 0.05
VERSION = {"version": "near-safe-node", "build": "near_safe", "rustc_version": ""}


def test_seed_signing_key(seed: str = TEST_SEED):
    """PyNaCl SigningKey of nearcore's deterministic test key for ``seed``."""
    from nacl.signing import SigningKey

    raw = seed.encode()
    if not 1 <= len(raw) <= 32:
        raise ValueError("a test seed is 1 to 32 bytes of UTF-8")
    return SigningKey(raw.ljust(32, b" "))


def root_public_key() -> bytes:
    """Borsh public key (0 + 32 bytes) of the genesis accounts."""
    return b"\x00" + bytes(test_seed_signing_key().verify_key)


def _need(params: dict, name: str):
    if name not in params:
        raise RpcFailure(V.parse_error(f"Failed parsing args: missing field `{name}`"))
    return params[name]


def _b64decode(text, what: str) -> bytes:
    if not isinstance(text, str):
        raise RpcFailure(V.parse_error(f"Failed parsing args: {what} must be a base64 string"))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise RpcFailure(V.parse_error(f"Failed to decode base64 {what}: {e}")) from None


def _b58decode(text: str) -> bytes:
    import base58

    try:
        return base58.b58decode(text)
    except ValueError:
        raise RpcFailure(V.parse_error(f"invalid base58: {text!r}")) from None


def _key_from_text(text) -> bytes:
    """``ed25519:<base58>``, or bare base58 (nearcore core/crypto ``split_key_type_data``: no
    prefix means ED25519)."""
    if not isinstance(text, str) or (":" in text and not text.startswith("ed25519:")):
        raise RpcFailure(V.parse_error(f"invalid public key {text!r}: expected ed25519:<base58>"))
    raw = _b58decode(text.split(":", 1)[-1])
    if len(raw) != 32:
        raise RpcFailure(V.parse_error(f"invalid public key {text!r}: not 32 bytes"))
    return b"\x00" + raw


class Node:
    """NEAR JSON-RPC on an embedded :class:`~near_safe.testing.Runtime`.

    ``store``: a :class:`~near_safe.node._store.Store` (``--state DIR``) or None (memory).
    ``handle(request_dict) -> response_dict`` is the whole protocol; the HTTP layer only
    frames it."""

    def __init__(self, store=None, mode: str = "wasm"):
        genesis_ns = None
        if store is not None:  # --state: the chain keeps its genesis time across restarts
            genesis_ns = store.meta("genesis_time_ns")
            if genesis_ns is None:
                genesis_ns = str(time.time_ns())
                store.set_meta("genesis_time_ns", genesis_ns)
        self.rt = Runtime(mode=mode, config=None if genesis_ns is None else
                          Config(genesis_time_ns=int(genesis_ns)))
        self.lock = threading.RLock()
        self.store = store
        self.started = time.time()
        self.txs = {}  # tx hash -> (UnsignedTransaction, signature)
        self.snapshots = []  # near_safe_snapshot: (runtime Snapshot, txs) by snapshot_id
        self._known_blocks = {}  # block hash -> height (the validity window)
        self._history = {}  # height -> Snapshot of the state when the node finished there
        self._synced_height = -1
        pk = root_public_key()
        for account in GENESIS_ACCOUNTS:
            self.rt.create_account(account, balance=GENESIS_BALANCE, public_key=pk)
        self._sync_blocks()
        if store is not None:
            self.replayed = 0
            for kind, body in store.entries():
                try:
                    self._apply(kind, body)
                except (RpcFailure, BorshError, RuntimeSimError, ValueError) as e:
                    from near_safe.errors import UsageError

                    why = e.error.get("data") if isinstance(e, RpcFailure) else e
                    raise UsageError(
                        f"entry {self.replayed + 1} ({kind}) of {store.path} does not replay "
                        f"({why}): it was written by another near-safe version or edited; "
                        "start with a new --state folder") from None
                self.replayed += 1
        self.methods = {
            "status": self.status, "network_info": self.network_info,
            "validators": self.validators, "gas_price": self.gas_price, "block": self.block,
            "query": self.query, "send_tx": self.send_tx,
            "broadcast_tx_commit": self.broadcast_tx_commit,
            "broadcast_tx_async": self.broadcast_tx_async, "tx": self.tx,
            "EXPERIMENTAL_tx_status": self.tx,
            "EXPERIMENTAL_receipt": self.receipt,
            "EXPERIMENTAL_changes": self.changes,
            "sandbox_patch_state": self.sandbox_patch_state,
            "sandbox_fast_forward": self.sandbox_fast_forward,
            "EXPERIMENTAL_protocol_config": self.protocol_config,
            "EXPERIMENTAL_genesis_config": self.genesis_config,
            "chunk": self.chunk,
            "near_safe_snapshot": self.near_safe_snapshot,
            "near_safe_restore": self.near_safe_restore,
            "near_safe_submit_tx": self.near_safe_submit_tx,
            "near_safe_pending": self.near_safe_pending,
            "near_safe_step": self.near_safe_step,
            "near_safe_inject": self.near_safe_inject,
        }

    # ================================================================ protocol

    def handle(self, request) -> dict:
        """One JSON-RPC 2.0 request (already parsed) -> its response object."""
        rid = request.get("id") if isinstance(request, dict) else None
        try:
            if not isinstance(request, dict) or not isinstance(request.get("method"), str):
                raise RpcFailure(V.parse_error(
                    "Invalid request: expected an object with jsonrpc, id, method, params"))
            method = request["method"]
            fn = self.methods.get(method)
            if fn is None:
                raise RpcFailure(V.method_not_found(method))
            with self.lock:
                result = fn(request.get("params"))
            return {"jsonrpc": "2.0", "id": rid, "result": result}
        except RpcFailure as f:
            return {"jsonrpc": "2.0", "id": rid, "error": f.error}

    # ================================================================ blocks

    def _sync_blocks(self):
        """After every change: the block-hash window, and the state at this height for
        queries of past blocks (a runtime snapshot shares its values: cheap)."""
        h = self.rt.height
        self._keep(h, self.rt.snapshot())
        if h == self._synced_height:
            return
        if len(self._known_blocks) > 2 * TX_VALIDITY_PERIOD:
            self._known_blocks = {k: v for k, v in self._known_blocks.items()
                                  if v >= h - TX_VALIDITY_PERIOD}
        for height in range(max(self._synced_height + 1, h - TX_VALIDITY_PERIOD, 0), h + 1):
            self._known_blocks[self.rt.block_hash(height)] = height
        self._synced_height = h

    def _block_ref(self, params) -> int:
        """The height a BlockReference (``finality`` / ``block_id`` height or hash) names."""
        h = self.rt.height
        if not isinstance(params, dict):
            return h
        if "block_id" in params and params["block_id"] is not None:
            bid = params["block_id"]
            if isinstance(bid, int) and not isinstance(bid, bool):
                height = bid
            elif isinstance(bid, str):
                height = self._known_blocks.get(_b58decode(bid))
                if height is None:  # a hash outside the window: search is not worth it
                    height = -1
            else:
                raise RpcFailure(V.parse_error(f"invalid block_id {bid!r}"))
            if not 0 <= height <= h:
                raise RpcFailure(V.handler_error(
                    "UNKNOWN_BLOCK", {}, f"DB Not Found Error: BLOCK: {bid}"))
            return height
        if "finality" in params and params["finality"] not in ("optimistic", "near-final",
                                                               "final"):
            raise RpcFailure(V.parse_error(
                f"Failed parsing args: unknown variant `{params['finality']}`, expected one "
                "of `optimistic`, `near-final`, `final`"))
        return h

    def _block_hash_text(self, height: int) -> str:
        return V.base58(self.rt.block_hash(height))

    # ================================================================ chain info

    def status(self, params=None) -> dict:
        h = self.rt.height
        t = self.rt.block_timestamp(h)
        return {
            "version": VERSION, "chain_id": CHAIN_ID,
            "protocol_version": self.rt.config.protocol_version,
            "latest_protocol_version": self.rt.config.protocol_version, "rpc_addr": None,
            "validators": [{"account_id": ROOT_ACCOUNT}],
            "sync_info": {
                "latest_block_hash": self._block_hash_text(h), "latest_block_height": h,
                "latest_state_root": self._block_hash_text(h),
                "latest_block_time": _rfc3339(t), "syncing": False,
                "earliest_block_hash": self._block_hash_text(0), "earliest_block_height": 0,
                "earliest_block_time": _rfc3339(self.rt.block_timestamp(0)),
                "epoch_id": V.base58(bytes(32)), "epoch_start_height": 0},
            "validator_account_id": ROOT_ACCOUNT,
            "validator_public_key": V.key_text(root_public_key()),
            "node_public_key": V.key_text(root_public_key()),
            "node_key": None, "uptime_sec": int(time.time() - self.started),
            "genesis_hash": self._block_hash_text(0), "detailed_debug_status": None}

    def network_info(self, params=None) -> dict:
        return {"active_peers": [], "num_active_peers": 0, "peer_max_count": 0,
                "sent_bytes_per_sec": 0, "received_bytes_per_sec": 0, "known_producers": []}

    def validators(self, params=None) -> dict:
        return {"current_validators": [], "next_validators": [], "current_fishermen": [],
                "next_fishermen": [], "current_proposals": [], "prev_epoch_kickout": [],
                "epoch_start_height": 0, "epoch_height": 0}

    def genesis_config(self, params=None) -> dict:
        """The fields of nearcore's GenesisConfig that clients read (chain_id, genesis_time,
        protocol_version, gas prices, transaction_validity_period, epoch_length)."""
        return {"protocol_version": self.rt.config.protocol_version, "chain_id": CHAIN_ID,
                "genesis_time": _rfc3339(self.rt.block_timestamp(0)), "genesis_height": 0,
                "epoch_length": TX_VALIDITY_PERIOD, "num_block_producer_seats": 1,
                "min_gas_price": str(self.rt.config.gas_price),
                "max_gas_price": str(self.rt.config.gas_price),
                "gas_limit": self.rt.config.limits["chunk_gas_limit"],
                "transaction_validity_period": TX_VALIDITY_PERIOD,
                "total_supply": str(len(GENESIS_ACCOUNTS) * GENESIS_BALANCE),
                "validators": [{"account_id": ROOT_ACCOUNT,
                                "public_key": V.key_text(root_public_key()), "amount": "0"}]}

    def protocol_config(self, params=None) -> dict:
        """RpcProtocolConfigResponse (nearcore ``EXPERIMENTAL_protocol_config``): the genesis
        fields plus ``runtime_config`` (storage price, limits; near-api-js's
        Account.getState reads ``storage_amount_per_byte``)."""
        self._block_ref(params)
        from near_safe.testing.params import STORAGE_AMOUNT_PER_BYTE

        limits = dict(self.rt.config.limits)
        return {**self.genesis_config(), "runtime_config": {
            "storage_amount_per_byte": str(STORAGE_AMOUNT_PER_BYTE),
            "min_gas_purchase_price": str(self.rt.config.min_gas_purchase_price),
            "wasm_config": {"limit_config": limits},
            "account_creation_config": {"min_allowed_top_level_account_length":
                                        self.rt.config.min_allowed_top_level_account_length,
                                        "registrar_account_id": "registrar"}}}

    def gas_price(self, params=None) -> dict:
        ref = params[0] if isinstance(params, list) and params else None
        if ref is not None:
            self._block_ref({"block_id": ref})
        return {"gas_price": str(self.rt.config.gas_price)}

    def block(self, params=None) -> dict:
        """views.rs BlockView (one chunk, no validators' signatures)."""
        if isinstance(params, list):  # the old positional form: [block_id]
            params = {"block_id": params[0] if params else None}
        h = self._block_ref(params)
        t = self.rt.block_timestamp(h)
        zero = V.base58(bytes(32))
        header = {
            "height": h, "prev_height": max(h - 1, 0), "epoch_id": zero,
            "next_epoch_id": zero, "hash": self._block_hash_text(h),
            "prev_hash": self._block_hash_text(max(h - 1, 0)) if h else zero,
            "prev_state_root": zero, "chunk_receipts_root": zero, "chunk_headers_root": zero,
            "chunk_tx_root": zero, "outcome_root": zero, "chunks_included": 1,
            "challenges_root": zero, "timestamp": t, "timestamp_nanosec": str(t),
            "random_value": zero, "validator_proposals": [], "chunk_mask": [True],
            "gas_price": str(self.rt.config.gas_price), "block_ordinal": h + 1,
            "rent_paid": "0", "validator_reward": "0", "total_supply": "0",
            "challenges_result": [], "last_final_block": self._block_hash_text(h),
            "last_ds_final_block": self._block_hash_text(h), "next_bp_hash": zero,
            "block_merkle_root": zero, "epoch_sync_data_hash": None, "approvals": [],
            "signature": "ed25519:" + V.base58(bytes(64)),
            "latest_protocol_version": self.rt.config.protocol_version}
        return {"author": ROOT_ACCOUNT, "header": header, "chunks": [self._chunk_header(h)]}

    # ================================================================ chunk

    def _chunk_hash(self, height: int) -> bytes:
        """One shard, one chunk per block; its hash is derived from the block's."""
        return hashlib.sha256(b"near-safe chunk" + self.rt.block_hash(height)).digest()

    def _chunk_header(self, h: int) -> dict:
        """views.rs ChunkHeaderView of shard 0 at height ``h``."""
        zero = V.base58(bytes(32))
        return {"chunk_hash": V.base58(self._chunk_hash(h)),
                "prev_block_hash": self._block_hash_text(max(h - 1, 0)) if h else zero,
                "outcome_root": zero, "prev_state_root": zero, "encoded_merkle_root": zero,
                "encoded_length": 0, "height_created": h, "height_included": h,
                "shard_id": 0, "gas_used": 0,
                "gas_limit": self.rt.config.limits["chunk_gas_limit"],
                "rent_paid": "0", "validator_reward": "0", "balance_burnt": "0",
                "outgoing_receipts_root": zero, "tx_root": zero, "validator_proposals": [],
                "signature": "ed25519:" + V.base58(bytes(64))}

    def chunk(self, params=None) -> dict:
        """views.rs ChunkView: ``{chunk_id}`` (or ``[chunk_id]``) or ``{block_id, shard_id}``;
        its transactions are those included at that height (receipts: not listed)."""
        if isinstance(params, list) and len(params) == 1:
            params = {"chunk_id": params[0]}
        if not isinstance(params, dict):
            raise RpcFailure(V.parse_error(
                "Failed parsing args: expected {chunk_id} or {block_id, shard_id}"))
        if "chunk_id" in params:
            text = params["chunk_id"]
            if not isinstance(text, str):
                raise RpcFailure(V.parse_error("Failed parsing args: chunk_id is a hash"))
            wanted = _b58decode(text)
            h = next((height for height in self._known_blocks.values()
                      if self._chunk_hash(height) == wanted), None)
            if h is None:
                raise RpcFailure(V.handler_error("UNKNOWN_CHUNK", {"chunk_hash": text},
                                                 f"Chunk Missing (unavailable on the node): "
                                                 f"ChunkHash(`{text}`)"))
        else:
            shard = params.get("shard_id")
            if shard != 0:
                raise RpcFailure(V.handler_error("INVALID_SHARD_ID", {"shard_id": shard},
                                                 f"Shard id {shard} does not exist: the "
                                                 "node has one shard, 0"))
            h = self._block_ref({"block_id": _need(params, "block_id")})
        txs = [V.signed_transaction_json(tx, sig) for tx, sig in self.txs.values()
               if self.rt.tx_outcome(tx.hash).included_at == h]
        return {"author": ROOT_ACCOUNT, "header": self._chunk_header(h),
                "transactions": txs, "receipts": []}

    # ================================================================ query

    def query(self, params=None) -> dict:
        if not isinstance(params, dict):
            raise RpcFailure(V.parse_error(
                "Failed parsing args: query takes an object {request_type, account_id, "
                "finality|block_id, ...}"))
        kind = _need(params, "request_type")
        h = self._block_ref(params)
        if h == self.rt.height:
            return self._query(kind, params, h)
        past = self._history.get(h)
        if past is None:
            raise RpcFailure(V.handler_error(
                "GARBAGE_COLLECTED_BLOCK", {"block_height": h,
                                            "block_hash": self._block_hash_text(h)},
                f"The node keeps the state at the last {HISTORY} heights where receipts ran "
                f"or a change finished (head {self.rt.height}); block {h} is not one of "
                "them"))
        now = self.rt.snapshot()
        self.rt.restore(past)
        try:
            return self._query(kind, params, h)
        finally:
            self.rt.restore(now)

    def _query(self, kind, params, h) -> dict:
        at = {"block_height": h, "block_hash": self._block_hash_text(h)}
        handlers = {"view_account": self._view_account, "view_code": self._view_code,
                    "view_state": self._view_state, "view_access_key": self._view_access_key,
                    "view_access_key_list": self._view_access_key_list,
                    "call_function": self._call_function}
        fn = handlers.get(kind)
        if fn is None:
            raise RpcFailure(V.parse_error(
                f"Failed parsing args: unknown variant `{kind}`, expected one of "
                + ", ".join(f"`{k}`" for k in handlers)))
        account_id = _need(params, "account_id")
        if not isinstance(account_id, str) or not _valid_account_id(account_id):
            raise RpcFailure(V.handler_error(
                "INVALID_ACCOUNT", {"requested_account_id": str(account_id), **at},
                f"Account ID {account_id} is invalid"))
        if not self.rt.exists(account_id):
            raise RpcFailure(V.handler_error(
                "UNKNOWN_ACCOUNT", {"requested_account_id": account_id, **at},
                f"account {account_id} does not exist while viewing"))
        return {**fn(account_id, params, at), **at}

    def _view_account(self, account_id, params, at) -> dict:
        a = self.rt.account(account_id)
        return {"amount": str(a.amount), "locked": str(a.locked),
                "code_hash": V.base58(a.code_hash or bytes(32)),
                "storage_usage": a.storage_usage, "storage_paid_at": 0}

    def _no_code(self, account_id, at):
        return RpcFailure(V.handler_error(
            "NO_CONTRACT_CODE", {"contract_account_id": account_id, **at},
            f"Contract code for contract ID #{account_id} has never been observed on the node"))

    def _view_code(self, account_id, params, at) -> dict:
        code = self.rt.code(account_id)
        if code is None:
            raise self._no_code(account_id, at)
        return {"code_base64": V.b64(code), "hash": V.base58(hashlib.sha256(code).digest())}

    def _view_state(self, account_id, params, at) -> dict:
        prefix = _b64decode(params.get("prefix_base64", ""), "prefix_base64")
        data = self.rt.storage(account_id)
        return {"values": [{"key": V.b64(k), "value": V.b64(v)}
                           for k, v in sorted(data.items()) if k.startswith(prefix)],
                "proof": []}

    def _view_access_key(self, account_id, params, at) -> dict:
        text = _need(params, "public_key")
        key = self.rt.access_keys(account_id).get(_key_from_text(text))
        if key is None:  # chain/jsonrpc/src/lib.rs: an unknown key is a result with "error"
            return {"error": f"access key {text} does not exist while viewing", "logs": []}
        return V.access_key_json(key)

    def _view_access_key_list(self, account_id, params, at) -> dict:
        keys = self.rt.access_keys(account_id)
        return {"keys": [{"public_key": V.key_text(pk), "access_key": V.access_key_json(k)}
                         for pk, k in keys.items()]}

    def _call_function(self, account_id, params, at) -> dict:
        method = _need(params, "method_name")
        args = _b64decode(params.get("args_base64", ""), "args_base64")
        if self.rt.code(account_id) is None:
            raise self._no_code(account_id, at)
        out = self.rt.view_outcome(account_id, method, args)
        logs = list(out.logs)
        if out.aborted is not None:  # chain/jsonrpc/src/lib.rs: a result with "error"
            from near_safe.compat._results import view_error_text  # nearcore's {:?} text

            return {"error": view_error_text(out.aborted), "logs": logs}
        raw = b""
        if out.return_data is not None and out.return_data[0] == "value":
            raw = bytes(out.return_data[1])
        return {"result": list(raw), "logs": logs}

    # ================================================================ transactions

    def _signed_tx(self, params):
        if isinstance(params, list) and len(params) >= 1:
            encoded = params[0]
        elif isinstance(params, dict):
            encoded = _need(params, "signed_tx_base64")
        else:
            raise RpcFailure(V.parse_error(
                "Failed parsing args: expected [signed_tx_base64] or {signed_tx_base64}"))
        raw = _b64decode(encoded, "signed_tx_base64")
        try:
            tx, sig = decode_signed_transaction(raw)
        except BorshError as e:
            raise RpcFailure(V.parse_error(f"Failed to decode transaction: {e}")) from None
        return raw, tx, sig

    def _commit(self, raw: bytes, tx, sig, replay: bool = False):
        """Verify, run to idle, persist; returns the TxOutcome.  Raises RpcFailure (state as
        it was) for an invalid transaction."""
        if tx.hash in self.txs:  # neard answers a resent transaction with its outcome
            return self.rt.tx_outcome(tx.hash)
        if not replay:
            self._check_block_hash(tx)
        snap = self.rt.snapshot()
        try:
            handle = self.rt.submit_signed(tx, sig)
            self._run_keeping_history()
            out = handle.outcome()
            if out.status == "invalid":  # rejected when its block converted it
                kind, _, message = (out.invalid or "").partition(": ")
                raise InvalidTransaction(kind, message)
            if self.store is not None and not replay:
                self.store.append("tx", raw)
        except InvalidTransaction as e:
            self._rollback(snap)
            raise RpcFailure(V.invalid_transaction_error(e.kind, e.message, tx)) from None
        except RuntimeSimError as e:
            self._rollback(snap)
            if not _valid_account_id(tx.receiver_id):
                raise RpcFailure(V.invalid_transaction_error("InvalidReceiverId", "", tx)) \
                    from None
            raise RpcFailure(V.internal_error(str(e))) from None
        except BaseException:
            self._rollback(snap)
            raise
        self.txs[tx.hash] = (tx, sig)
        self._sync_blocks()
        return out

    def _run_keeping_history(self, max_receipts: int = 10_000) -> None:
        """``rt.run()`` step by step, keeping the state each block ended with (the state
        before the step that started the next block) for queries of past blocks."""
        for _ in range(max_receipts):
            height, before = self.rt.height, self.rt.snapshot()
            if self.rt.step() is None:
                return
            if self.rt.height != height:
                self._keep(height, before)
        raise RuntimeSimError(f"{max_receipts} receipts ran without the chain becoming idle: "
                              "a contract may be calling itself forever")

    def _keep(self, height: int, snapshot) -> None:
        self._history.pop(height, None)
        self._history[height] = snapshot
        while len(self._history) > HISTORY:
            self._history.pop(next(iter(self._history)))

    def _rollback(self, snap) -> None:
        """A failed change: the state as it was, and no kept state above it."""
        self.rt.restore(snap)
        for height in [h for h in self._history if h > self.rt.height]:
            del self._history[height]

    def _check_block_hash(self, tx) -> None:
        height = self._known_blocks.get(tx.block_hash)
        if height is None:
            raise RpcFailure(V.invalid_transaction_error("InvalidChain", "", tx))
        if self.rt.height - height > TX_VALIDITY_PERIOD:
            raise RpcFailure(V.invalid_transaction_error("Expired", "", tx))

    def _outcome_json(self, out) -> dict:
        tx, sig = self.txs[out.tx_hash]
        return V.final_outcome_json(out, tx, sig, self.rt.block_hash)

    def send_tx(self, params=None) -> dict:
        raw, tx, sig = self._signed_tx(params)
        wait = params.get("wait_until", "EXECUTED_OPTIMISTIC") if isinstance(params, dict) \
            else "EXECUTED_OPTIMISTIC"
        out = self._commit(raw, tx, sig)
        if wait == "NONE":  # RpcTransactionResponse without an outcome
            return {"final_execution_status": "NONE"}
        return self._outcome_json(out)

    def broadcast_tx_commit(self, params=None) -> dict:
        raw, tx, sig = self._signed_tx(params)
        return self._outcome_json(self._commit(raw, tx, sig))

    def broadcast_tx_async(self, params=None) -> str:
        raw, tx, sig = self._signed_tx(params)
        self._commit(raw, tx, sig)
        return V.base58(tx.hash)

    def tx(self, params=None) -> dict:
        if isinstance(params, dict) and "signed_tx_base64" in params:
            _raw, tx, _sig = self._signed_tx(params)
            tx_hash, sender = tx.hash, tx.signer_id
        else:
            if isinstance(params, list) and len(params) == 2:
                text, sender = params
            elif isinstance(params, dict):
                text, sender = _need(params, "tx_hash"), _need(params, "sender_account_id")
            else:
                raise RpcFailure(V.parse_error(
                    "Failed parsing args: expected {tx_hash, sender_account_id}"))
            if not isinstance(text, str) or not isinstance(sender, str):
                raise RpcFailure(V.parse_error("Failed parsing args: tx_hash and "
                                               "sender_account_id are strings"))
            tx_hash = _b58decode(text)
        entry = self.txs.get(tx_hash)
        if entry is None or entry[0].signer_id != sender:
            text = V.base58(tx_hash)
            raise RpcFailure(V.handler_error(
                "UNKNOWN_TRANSACTION", {"requested_transaction_hash": text},
                f"Transaction {text} doesn't exist"))
        return self._outcome_json(self.rt.tx_outcome(tx_hash))

    def receipt(self, params=None) -> dict:
        """jsonrpc-primitives types/receipts.rs: ``{receipt_id}`` -> views.rs ReceiptView of an
        action receipt that ran (refunds included); a data receipt or an id never seen is
        ``UNKNOWN_RECEIPT {receipt_id}``."""
        if not isinstance(params, dict) or not isinstance(params.get("receipt_id"), str):
            raise RpcFailure(V.parse_error("Failed parsing args: expected {receipt_id}"))
        wanted = _b58decode(params["receipt_id"])
        for tx_hash in self.txs:
            for r in self.rt.tx_outcome(tx_hash).receipts:
                if r.receipt_hash == wanted and r.view is not None:
                    return V.receipt_view_json(r)
        text = V.base58(wanted)
        raise RpcFailure(V.handler_error("UNKNOWN_RECEIPT", {"receipt_id": text},
                                         f"Receipt with id {text} has never been observed on "
                                         "this node"))

    def changes(self, params=None) -> dict:
        """jsonrpc-primitives types/changes.rs RpcStateChangesInBlockByTypeRequest: a block
        reference and ``changes_type`` (views.rs StateChangesRequestView): account_changes,
        all_access_key_changes (also access_key_changes), single_access_key_changes ``{keys:
        [{account_id, public_key}]}``, contract_code_changes, data_changes
        ``{key_prefix_base64}``.  Answers ``{block_hash, changes: [StateChangeWithCauseView]}``:
        what differs between the state the block ended with and the state kept before it (one
        entry per changed account, key, data key or code, with the cause of the last receipt or
        transaction that touched it; see docs/node.md for what this leaves out)."""
        if not isinstance(params, dict):
            raise RpcFailure(V.parse_error("Failed parsing args: expected {changes_type, "
                                           "account_ids, finality|block_id}"))
        kind = _need(params, "changes_type")
        if kind == "single_access_key_changes":
            keys = _need(params, "keys")
            if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
                raise RpcFailure(V.parse_error("Failed parsing args: keys is a list of "
                                               "{account_id, public_key}"))
            wanted = [(_need(k, "account_id"), _key_from_text(_need(k, "public_key")))
                      for k in keys]
            account_ids = list(dict.fromkeys(a for a, _ in wanted))
        elif kind in ("account_changes", "all_access_key_changes", "access_key_changes",
                      "contract_code_changes", "data_changes"):
            account_ids = _need(params, "account_ids")
            if not isinstance(account_ids, list) or not all(isinstance(a, str)
                                                            for a in account_ids):
                raise RpcFailure(V.parse_error("Failed parsing args: account_ids is a list "
                                               "of account ids"))
        else:
            raise RpcFailure(V.parse_error(
                f"Failed parsing args: unknown variant `{kind}`, expected one of "
                "`account_changes`, `single_access_key_changes`, `all_access_key_changes`, "
                "`contract_code_changes`, `data_changes`"))
        prefix = (_b64decode(_need(params, "key_prefix_base64"), "key_prefix_base64")
                  if kind == "data_changes" else b"")
        h = self._block_ref(params)
        after = self.rt.snapshot() if h == self.rt.height else self._history.get(h)
        if after is None:
            raise RpcFailure(V.handler_error(
                "UNKNOWN_BLOCK", {"error_message": f"block {h} is not kept"},
                f"The node keeps the state at the last {HISTORY} heights where receipts ran "
                f"or a change finished; block {h} is not one of them"))
        below = [k for k in self._history if k < h]
        before_h = max(below) if below else None
        states = [self._read_accounts(self._history[before_h], account_ids)
                  if before_h is not None else {}, self._read_accounts(after, account_ids)]
        causes = self._causes(-1 if before_h is None else before_h, h)
        out = []
        for account_id in account_ids:
            old, new = states[0].get(account_id), states[1].get(account_id)
            cause = causes.get(account_id, {"type": "migration"})
            for change_type, change in _account_diff(kind, account_id, old, new, prefix):
                if kind == "single_access_key_changes" and \
                        (account_id, change.pop("_pk")) not in wanted:
                    continue
                change.pop("_pk", None)
                out.append({"cause": cause, "type": change_type, "change": change})
        return {"block_hash": self._block_hash_text(h), "changes": out}

    def _read_accounts(self, snapshot, account_ids) -> dict:
        """account id -> (account view JSON, {pk: key}, code, storage) in ``snapshot``."""
        now = self.rt.snapshot()
        self.rt.restore(snapshot)
        try:
            return {a: (self._view_account(a, {}, {}), self.rt.access_keys(a),
                        self.rt.code(a), self.rt.storage(a))
                    for a in account_ids if _valid_account_id(a) and self.rt.exists(a)}
        finally:
            self.rt.restore(now)

    def _causes(self, low: int, high: int) -> dict:
        """account id -> StateChangeCauseView of the last receipt it received, else of the last
        transaction it signed, in blocks (low, high]."""
        receipts, txs = {}, {}
        for tx_hash in self.txs:
            out = self.rt.tx_outcome(tx_hash)
            if out.included_at is not None and low < out.included_at <= high:
                txs[out.signer] = {"type": "transaction_processing",
                                   "tx_hash": V.base58(tx_hash)}
            for r in out.receipts:
                if low < r.block_height <= high:
                    receipts[r.receiver] = {"type": "receipt_processing",
                                            "receipt_hash": r.receipt_id}
        return {**txs, **receipts}

    # ================================================================ sandbox

    def sandbox_patch_state(self, params=None) -> dict:
        """chain/jsonrpc-primitives/src/types/sandbox.rs: ``{"records": [StateRecord]}`` with
        ``Account``, ``Data``, ``Contract`` and ``AccessKey`` records (a key the account has,
        or one for an account the same call creates), and near_safe's ``NearSafeSnapshot``
        first record (see near_safe_snapshot).  Answers ``{}``.  The records apply at once; as
        neard (which applies a patch in its next block) a block follows shortly after the answer,
        even without ``--block-time``: clients wait for it (near-kit's
        ``testing.patch_state`` reads the height after the answer and waits for a higher
        one)."""
        records = _need(params, "records") if isinstance(params, dict) else None
        if not isinstance(records, list):
            raise RpcFailure(V.parse_error("Failed parsing args: records must be a list"))
        snap, txs = self.rt.snapshot(), dict(self.txs)
        try:
            self._patch(records)
            if self.store is not None:
                self.store.append("patch", json.dumps(records).encode())
        except BaseException:
            self.rt.restore(snap)
            self.txs = txs
            raise
        self._sync_blocks()
        timer = threading.Timer(PATCH_BLOCK_DELAY, self._block_after_patch)
        timer.daemon = True
        timer.start()
        return {}

    def _patch(self, records):
        if _restores(records):
            self._restore(records[0]["NearSafeSnapshot"])
            records = records[1:]
        new_keys = {}
        for rec in records:
            if isinstance(rec, dict) and "AccessKey" in rec:
                r = rec["AccessKey"]
                new_keys[_need(r, "account_id")] = _key_from_text(_need(r, "public_key"))
        for rec in records:
            if not isinstance(rec, dict) or len(rec) != 1:
                raise RpcFailure(V.parse_error(f"invalid state record {rec!r}"))
            (kind, r), = rec.items()
            if not isinstance(r, dict):
                raise RpcFailure(V.parse_error(f"invalid {kind} record {r!r}"))
            account_id = _need(r, "account_id")
            if not isinstance(account_id, str) or not _valid_account_id(account_id):
                raise RpcFailure(V.parse_error(f"invalid account id {account_id!r}"))
            if kind == "Account":
                acc = _need(r, "account")
                try:
                    amount = int(acc.get("amount", 0))
                    locked = int(acc.get("locked", 0))
                except (TypeError, ValueError, AttributeError):
                    raise RpcFailure(V.parse_error("invalid Account amounts")) from None
                if not self.rt.exists(account_id):
                    self.rt.create_account(account_id, balance=amount,
                                           public_key=new_keys.get(account_id))
                self.rt.patch_state(account_id, amount=amount, locked=locked)
            elif kind == "Data":
                key = _b64decode(_need(r, "data_key"), "data_key")
                value = _b64decode(_need(r, "value"), "value")
                self._existing(account_id)
                self.rt.patch_state(account_id, data={key: value})
            elif kind == "Contract":
                code = _b64decode(_need(r, "code"), "code")
                self._existing(account_id)
                try:
                    self.rt.deploy(account_id, code)
                except RuntimeSimError as e:
                    raise RpcFailure(V.parse_error(f"Contract record: {e}")) from None
            elif kind == "AccessKey":
                pk = _key_from_text(_need(r, "public_key"))
                if not self.rt.exists(account_id) or \
                        pk not in self.rt.access_keys(account_id):
                    raise RpcFailure(V.parse_error(
                        "an AccessKey record is supported for a key its account has (a dump "
                        "sent back) or with the Account record that creates the account in "
                        "the same call"))
            else:
                raise RpcFailure(V.parse_error(
                    f"unsupported state record {kind!r} (Account, Data, Contract, AccessKey)"))

    # ================================================================ near_safe extensions

    def near_safe_snapshot(self, params=None) -> dict:
        """near_safe extension: remember the whole state; answers ``{"snapshot_id": n}``.
        ``near_safe_restore {snapshot_id}``, or a first record ``{"NearSafeSnapshot":
        {"snapshot_id": n}}`` in ``sandbox_patch_state``, returns to it exactly (accounts,
        keys and data created since are gone - unlike neard's patch, which only overwrites)."""
        sid = len(self.snapshots)
        self.snapshots.append((self.rt.snapshot(), dict(self.txs)))
        if self.store is not None:
            self.store.append("snapshot", str(sid).encode())
        return {"snapshot_id": sid}

    def near_safe_restore(self, params=None) -> dict:
        """near_safe extension: ``{"snapshot_id": n}`` -> ``{}`` (see near_safe_snapshot)."""
        if not isinstance(params, dict):
            raise RpcFailure(V.parse_error("Failed parsing args: expected {snapshot_id}"))
        snap = self.rt.snapshot()
        txs = dict(self.txs)
        try:
            self._restore(params)
            if self.store is not None:
                self.store.append("restore", str(params["snapshot_id"]).encode())
        except BaseException:
            self.rt.restore(snap)
            self.txs = txs
            raise
        self._sync_blocks()
        return {}

    # receipt-order control: a transaction submitted with near_safe_submit_tx waits in the
    # queue; near_safe_pending lists what will run, in order; near_safe_step runs one
    # receipt; near_safe_inject makes the next function call fail as a fault.  (send_tx still
    # runs everything to idle, whatever is queued.)

    def near_safe_submit_tx(self, params=None) -> dict:
        """near_safe extension: ``{signed_tx_base64}`` -> ``{"transaction_hash"}``: checked
        and queued as send_tx does, but nothing runs until near_safe_step (or a send_tx)."""
        raw, tx, sig = self._signed_tx(params)
        if tx.hash in self.txs:
            return {"transaction_hash": V.base58(tx.hash)}
        self._check_block_hash(tx)
        snap = self.rt.snapshot()
        try:
            self.rt.submit_signed(tx, sig)
            if self.store is not None:
                self.store.append("submit", raw)
        except InvalidTransaction as e:
            self.rt.restore(snap)
            raise RpcFailure(V.invalid_transaction_error(e.kind, e.message, tx)) from None
        except BaseException:
            self.rt.restore(snap)
            raise
        self.txs[tx.hash] = (tx, sig)
        return {"transaction_hash": V.base58(tx.hash)}

    def near_safe_pending(self, params=None) -> list:
        """near_safe extension: the receipts (and queued transactions) that have not run, in
        the order near_safe_step will run them."""
        def text(value):
            return V.base58(value) if isinstance(value, bytes) else value

        return [{"kind": r.kind, "receipt_id": text(r.receipt_id), "receiver_id": r.receiver,
                 "predecessor_id": r.predecessor, "signer_id": r.signer,
                 "actions": list(r.actions), "method_name": r.method,
                 "deposit": str(r.deposit or 0), "gas": r.gas, "is_refund": bool(r.is_refund),
                 "waits_for_data": bool(r.waits_for_data),
                 "transaction_hash": text(r.tx_id)} for r in self.rt.upcoming()]

    def near_safe_step(self, params=None):
        """near_safe extension: run the next receipt; answers its ExecutionOutcomeWithIdView
        (null when nothing is pending)."""
        snap, height = self.rt.snapshot(), self.rt.height
        try:
            out = self.rt.step()
            if self.store is not None:
                self.store.append("step", b"")
        except BaseException:
            self._rollback(snap)
            raise
        if self.rt.height != height:  # the step started a block: keep how the last one ended
            self._keep(height, snap)
        self._sync_blocks()
        return None if out is None else V.receipt_outcome_json(out, self.rt.block_hash)

    def near_safe_inject(self, params=None) -> dict:
        """near_safe extension: ``{kind, receiver_id?, method_name?}``: the next function call
        (to that receiver and method, if given) fails as fault ``kind``."""
        if not isinstance(params, dict) or not isinstance(params.get("kind"), str):
            raise RpcFailure(V.parse_error(
                f"Failed parsing args: expected {{kind, receiver_id?, method_name?}} with kind "
                f"one of {', '.join(self.rt.fault_kinds)}"))
        kind = params["kind"]
        if kind not in self.rt.fault_kinds:
            raise RpcFailure(V.parse_error(
                f"unknown fault kind {kind!r}: one of {', '.join(self.rt.fault_kinds)}"))
        args = (kind, params.get("receiver_id"), params.get("method_name"))
        self.rt.inject(*args)
        if self.store is not None:
            self.store.append("inject", json.dumps(args).encode())
        return {}

    def _restore(self, params) -> None:
        sid = params.get("snapshot_id") if isinstance(params, dict) else None
        if not isinstance(sid, int) or isinstance(sid, bool) or \
                not 0 <= sid < len(self.snapshots):
            raise RpcFailure(V.parse_error(
                f"unknown snapshot_id {sid!r}: take one with near_safe_snapshot "
                f"({len(self.snapshots)} taken)"))
        snapshot, txs = self.snapshots[sid]
        head = self.rt.height
        self.rt.restore(snapshot)
        self.txs = dict(txs)
        self._history = {}  # another timeline: its past states are not this chain's
        # the chain does not go back: clients hold recent block hashes (py-near, near-kit)
        # and heights only grow on neard; the blocks up to the old head come back (a block's
        # hash depends on its height only)
        if self.rt.height < head:
            self.rt.produce_blocks(head - self.rt.height)

    def _existing(self, account_id):
        if not self.rt.exists(account_id):
            raise RpcFailure(V.parse_error(
                f"account {account_id} does not exist: put its Account record first"))

    def sandbox_fast_forward(self, params=None) -> dict:
        """sandbox.rs ``{"delta_height": N}``: produce N blocks (time passes); answers ``{}``."""
        delta = _need(params, "delta_height") if isinstance(params, dict) else None
        if not isinstance(delta, int) or isinstance(delta, bool) or not 0 <= delta <= 10**7:
            raise RpcFailure(V.parse_error(
                "Failed parsing args: delta_height is an integer from 0 to 10,000,000"))
        self.produce_blocks(delta)
        return {}

    def _block_after_patch(self) -> None:
        with self.lock:
            if self.store is None or not self.store.closed:  # not once the node stopped
                self.produce_blocks(1)

    def produce_blocks(self, count: int) -> None:
        with self.lock:
            snap = self.rt.snapshot()
            try:
                self.rt.produce_blocks(count)
                if self.store is not None:
                    self.store.append("blocks", str(count).encode())
            except BaseException:
                self.rt.restore(snap)
                raise
            self._sync_blocks()

    # ================================================================ replay

    def _apply(self, kind: str, body: bytes):
        """Re-apply one logged entry on start (--state)."""
        if kind == "tx":
            tx, sig = decode_signed_transaction(body)
            self._commit(body, tx, sig, replay=True)
        elif kind == "patch":
            self._patch(json.loads(body))
        elif kind == "blocks":
            self.rt.produce_blocks(int(body))
        elif kind == "submit":
            tx, sig = decode_signed_transaction(body)
            self.rt.submit_signed(tx, sig)
            self.txs[tx.hash] = (tx, sig)
        elif kind == "step":
            snap, height = self.rt.snapshot(), self.rt.height
            self.rt.step()
            if self.rt.height != height:
                self._keep(height, snap)
        elif kind == "inject":
            self.rt.inject(*json.loads(body))
        elif kind == "snapshot":
            self.snapshots.append((self.rt.snapshot(), dict(self.txs)))
        elif kind == "restore":
            self._restore({"snapshot_id": int(body)})
        else:
            raise RuntimeSimError(f"unknown entry {kind!r} in the node's state log")
        self._sync_blocks()


def _account_diff(kind, account_id, old, new, prefix):
    """(type, change) pairs of views.rs StateChangeValueView for one account between two
    states (``(account JSON, keys, code, storage)`` or None)."""
    if kind == "account_changes":
        if new is None:
            return [("account_deletion", {"account_id": account_id})] if old else []
        if old is None or old[0] != new[0]:
            return [("account_update", {"account_id": account_id, **new[0]})]
        return []
    if kind == "contract_code_changes":
        code_old, code_new = old and old[2], new and new[2]
        if code_new is not None and code_new != code_old:
            return [("contract_code_update", {"account_id": account_id,
                                              "code_base64": V.b64(code_new)})]
        if code_new is None and code_old is not None:
            return [("contract_code_deletion", {"account_id": account_id})]
        return []
    if kind == "data_changes":
        data_old, data_new = (old[3] if old else {}), (new[3] if new else {})
        out = []
        for k in sorted(set(data_old) | set(data_new)):
            if not k.startswith(prefix) or data_old.get(k) == data_new.get(k):
                continue
            if k in data_new:
                out.append(("data_update", {"account_id": account_id, "key_base64": V.b64(k),
                                            "value_base64": V.b64(data_new[k])}))
            else:
                out.append(("data_deletion", {"account_id": account_id,
                                              "key_base64": V.b64(k)}))
        return out
    keys_old, keys_new = (old[1] if old else {}), (new[1] if new else {})
    out = []
    for pk in list(keys_new) + [k for k in keys_old if k not in keys_new]:
        if keys_old.get(pk) == keys_new.get(pk):
            continue
        change = {"account_id": account_id, "public_key": V.key_text(pk), "_pk": pk}
        if pk in keys_new:
            out.append(("access_key_update", {**change,
                                              "access_key": V.access_key_json(keys_new[pk])}))
        else:
            out.append(("access_key_deletion", change))
    return out


def _restores(records) -> bool:
    """Whether a sandbox_patch_state starts with near_safe's NearSafeSnapshot record."""
    return bool(records) and isinstance(records[0], dict) and "NearSafeSnapshot" in records[0]


def _valid_account_id(account_id: str) -> bool:
    from near_safe.testing.vm.logic import is_valid_account_id

    return is_valid_account_id(account_id)


def _rfc3339(ns: int) -> str:
    import datetime

    dt = datetime.datetime.fromtimestamp(ns // 10**9, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ns % 10**9:09d}Z"
