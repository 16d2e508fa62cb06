"""nearcore's JSON shapes for the node's answers and errors.

References (nearcore, read with the search tool):
- chain/jsonrpc-primitives/src/errors.rs: ``RpcError {name, cause: {name, info}, code,
  message, data}``; REQUEST_VALIDATION_ERROR with PARSE_ERROR (-32700, "Parse error",
  ``info.error_message``) or METHOD_NOT_FOUND (-32601, "Method not found",
  ``info.method_name``); HANDLER_ERROR / INTERNAL_ERROR are -32000 "Server error".
- chain/jsonrpc-primitives/src/types/transactions.rs: RpcTransactionError is
  ``#[serde(tag = "name", content = "info")]``; INVALID_TRANSACTION skips its context in
  ``info`` and puts ``{"TxExecutionError": {"InvalidTxError": ...}}`` in ``data``;
  UNKNOWN_TRANSACTION ``{requested_transaction_hash}``.
- chain/jsonrpc-primitives/src/types/query.rs: UNKNOWN_ACCOUNT ``{requested_account_id,
  block_height, block_hash}``, NO_CONTRACT_CODE ``{contract_account_id, ...}``,
  UNKNOWN_BLOCK; chain/jsonrpc/src/lib.rs ``query``: a call_function failure and an unknown
  access key are *results* ``{"error", "logs", block_height, block_hash}`` (kept for old
  clients).
- core/primitives/src/views.rs: FinalExecutionOutcomeView, ExecutionOutcomeWithIdView,
  ExecutionStatusView (``SuccessValue`` base64, ``SuccessReceiptId``, ``Failure``),
  SignedTransactionView, ActionView, AccessKeyView, AccountView; core/primitives/src/
  errors.rs: TxExecutionError / ActionError {index, kind} / InvalidTxError variants.
"""

from __future__ import annotations

import base64
import re

from near_safe.testing import base58  # the runtime's base58 (no dependency)

# -------------------------------------------------------------------------------- errors


def rpc_error(name: str, cause_name: str, info, code: int, message: str, data) -> dict:
    err = {"name": name, "cause": {"name": cause_name, "info": info}, "code": code,
           "message": message}
    if data is not None:
        err["data"] = data
    return err


def parse_error(text: str) -> dict:
    return rpc_error("REQUEST_VALIDATION_ERROR", "PARSE_ERROR", {"error_message": text},
                     -32700, "Parse error", text)


def method_not_found(method: str) -> dict:
    return rpc_error("REQUEST_VALIDATION_ERROR", "METHOD_NOT_FOUND", {"method_name": method},
                     -32601, "Method not found", method)


def handler_error(cause_name: str, info: dict, data) -> dict:
    return rpc_error("HANDLER_ERROR", cause_name, info, -32000, "Server error", data)


def internal_error(text: str) -> dict:
    return rpc_error("INTERNAL_ERROR", "INTERNAL_ERROR", {"error_message": text}, -32000,
                     "Server error", text)


class RpcFailure(Exception):
    """Raised by a method handler: ``error`` is the JSON-RPC error object to answer."""

    def __init__(self, error: dict):
        super().__init__(error.get("data") or error["cause"]["name"])
        self.error = error


# ------------------------------------------------------------------ invalid transactions

_ACCESS_KEY_KINDS = ("AccessKeyNotFound", "ReceiverMismatch", "MethodNameMismatch",
                     "RequiresFullAccess", "NotEnoughAllowance", "DepositWithFunctionCall")


def _ints(message: str) -> list:
    return [int(x) for x in re.findall(r"\d+", message)]


def invalid_tx_json(kind: str, message: str, tx) -> object:
    """core/primitives/src/errors.rs ``InvalidTxError`` as serde writes it, from the runtime's
    InvalidTransaction (kind = the variant name, message carries the figures)."""
    signer = tx.signer_id
    if kind == "InvalidAccessKeyError" or kind in _ACCESS_KEY_KINDS:
        if kind in ("InvalidAccessKeyError", "AccessKeyNotFound"):
            from near_safe.testing import public_key_text

            inner = {"AccessKeyNotFound": {"account_id": signer,
                                           "public_key": public_key_text(tx.public_key)}}
        elif kind == "ReceiverMismatch":
            words = message.split()
            inner = {kind: {"tx_receiver": tx.receiver_id, "ak_receiver": words[-1]}}
        elif kind == "MethodNameMismatch":
            inner = {kind: {"method_name": tx.actions[0].method_name}}
        elif kind == "NotEnoughAllowance":
            n = _ints(message)
            inner = {kind: {"account_id": signer, "public_key": _pk(tx),
                            "allowance": str(n[0]), "cost": str(n[1])}}
        else:
            inner = kind
        return {"InvalidAccessKeyError": inner}
    if kind == "InvalidNonce":
        n = _ints(message)
        return {kind: {"tx_nonce": n[0], "ak_nonce": n[1]}}
    if kind == "NonceTooLarge":
        n = _ints(message)
        return {kind: {"tx_nonce": n[0], "upper_bound": n[1]}}
    if kind == "NotEnoughBalance":
        n = _ints(message)
        return {kind: {"signer_id": signer, "balance": str(n[-2]), "cost": str(n[-1])}}
    if kind == "LackBalanceForState":
        n = _ints(message)
        return {kind: {"signer_id": signer, "amount": str(n[-1])}}
    if kind == "SignerDoesNotExist":
        return {kind: {"signer_id": signer}}
    if kind == "InvalidReceiverId":
        return {kind: {"receiver_id": tx.receiver_id}}
    if kind == "InvalidSignerId":
        return {kind: {"signer_id": signer}}
    if kind == "TransactionSizeExceeded":
        n = _ints(message)
        return {kind: {"size": n[0], "limit": n[1]}}
    if kind == "ActionsValidation":
        variant, _, text = message.partition(":")
        variant = variant.strip()
        fields = _ACTIONS_VALIDATION_FIELDS.get(variant)
        n = _ints(text)
        if fields and len(n) >= len(fields):  # struct variants carry their figures
            return {kind: {variant: dict(zip(fields, n[-len(fields):]))}}
        return {kind: variant}
    return kind  # unit variants: InvalidSignature, Expired, InvalidChain


# core/primitives/src/errors.rs ActionsValidationError: the struct variants' fields, in the
# order the runtime's message names the figures (the rest are unit variants)
_ACTIONS_VALIDATION_FIELDS = {
    "TotalPrepaidGasExceeded": ("total_prepaid_gas", "limit"),
    "TotalNumberOfActionsExceeded": ("total_number_of_actions", "limit"),
    "AddKeyMethodNamesNumberOfBytesExceeded": ("total_number_of_bytes", "limit"),
    "ContractSizeExceeded": ("size", "limit"),
    **dict.fromkeys(("AddKeyMethodNameLengthExceeded", "FunctionCallMethodNameLengthExceeded",
                     "FunctionCallArgumentsLengthExceeded"), ("length", "limit")),
}


def _pk(tx) -> str:
    from near_safe.testing import public_key_text

    return public_key_text(tx.public_key)


def invalid_transaction_error(kind: str, message: str, tx) -> dict:
    return handler_error("INVALID_TRANSACTION", {},
                         {"TxExecutionError": {"InvalidTxError":
                                               invalid_tx_json(kind, message, tx)}})


# ------------------------------------------------------------------------------- outcomes


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


def function_call_error_json(failure) -> dict:
    """FunctionCallErrorSer: MethodResolveError / CompilationError keep their variants, the
    rest is ``ExecutionError(<nearcore's Display text>)``."""
    detail = failure.detail
    if detail in ("MethodNotFound", "MethodEmptyName", "MethodInvalidSignature"):
        return {"MethodResolveError": detail}
    if detail == "CodeDoesNotExist":
        account = failure.data.get("account_id")
        return {"CompilationError": {"CodeDoesNotExist": {"account_id": account}}}
    return {"ExecutionError": failure.message}


def action_error_json(failure) -> dict:
    if failure.kind == "FunctionCallError":
        kind = {"FunctionCallError": function_call_error_json(failure)}
    elif failure.kind == "DelegateActionAccessKeyError":  # {kind: InvalidAccessKeyError}
        inner = {failure.detail: dict(failure.data)} if failure.data else failure.detail
        kind = {failure.kind: inner}
    elif failure.data:
        kind = {failure.kind: {k: (str(v) if isinstance(v, int) and v > 2**53 else v)
                               for k, v in failure.data.items()}}
    else:
        kind = failure.kind
    return {"ActionError": {"index": failure.index, "kind": kind}}


def receipt_status_json(r) -> dict:
    if r.status == "failure":
        return {"Failure": action_error_json(r.failure)}
    if r.return_receipt_hash is not None:
        return {"SuccessReceiptId": r.return_receipt_id}
    return {"SuccessValue": b64(r.raw_value or b"")}


def action_json(action):
    """views.rs ActionView."""
    name = type(action).__name__
    if name == "CreateAccount":
        return "CreateAccount"
    if name == "DeployContract":
        return {"DeployContract": {"code": b64(_sha256(action.code))}}
    if name == "FunctionCall":
        return {"FunctionCall": {"method_name": action.method_name, "args": b64(action.args),
                                 "gas": action.gas, "deposit": str(action.deposit)}}
    if name == "Transfer":
        return {"Transfer": {"deposit": str(action.deposit)}}
    if name == "Stake":
        return {"Stake": {"stake": str(action.stake),
                          "public_key": key_text(action.public_key)}}
    if name == "AddKey":
        return {"AddKey": {"public_key": key_text(action.public_key),
                           "access_key": access_key_json(action.access_key)}}
    if name == "DeleteKey":
        return {"DeleteKey": {"public_key": key_text(action.public_key)}}
    if name == "DeleteAccount":
        return {"DeleteAccount": {"beneficiary_id": action.beneficiary_id}}
    if name == "SignedDelegateAction":  # ActionView::Delegate {delegate_action, signature}
        da = action.delegate_action
        return {"Delegate": {"delegate_action": {
            "sender_id": da.sender_id, "receiver_id": da.receiver_id,
            "actions": [_action_serde(a) for a in da.actions], "nonce": da.nonce,
            "max_block_height": da.max_block_height, "public_key": key_text(da.public_key)},
            "signature": "ed25519:" + base58(action.signature)}}
    return name


def _action_serde(action):
    """An inner action of a DelegateAction: nearcore's ``Action`` as serde writes it (not the
    ActionView): unit-like structs are objects, a deployed code is the code itself."""
    name = type(action).__name__
    if name == "CreateAccount":
        return {"CreateAccount": {}}
    if name == "DeployContract":
        return {"DeployContract": {"code": b64(action.code)}}
    return action_json(action)


def _sha256(data: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(data).digest()


def key_text(public_key: bytes) -> str:
    return "ed25519:" + base58(public_key[1:])


def access_key_json(key) -> dict:
    """views.rs AccessKeyView ``{nonce, permission}``."""
    if key.full_access:
        permission = "FullAccess"
    else:
        permission = {"FunctionCall": {
            "allowance": None if key.allowance is None else str(key.allowance),
            "receiver_id": key.receiver_id, "method_names": list(key.method_names or [])}}
    return {"nonce": key.nonce, "permission": permission}


def signed_transaction_json(tx, signature: bytes) -> dict:
    """views.rs SignedTransactionView."""
    return {"signer_id": tx.signer_id, "public_key": key_text(tx.public_key),
            "nonce": tx.nonce, "receiver_id": tx.receiver_id,
            "actions": [action_json(a) for a in tx.actions], "priority_fee": 0,
            "signature": "ed25519:" + base58(signature), "hash": base58(tx.hash)}


def receipt_view_json(r) -> dict:
    """views.rs ReceiptView of an action receipt (``r``: a ReceiptOutcome and its ``view``):
    ``{predecessor_id, receiver_id, receipt_id, receipt: {"Action": {signer_id,
    signer_public_key, gas_price, output_data_receivers: [{data_id, receiver_id}],
    input_data_ids, actions: [ActionView], is_promise_yield}}, priority}``; a deposit refund's
    signer is ``system`` with the all-zero ed25519 key, as nearcore's ``new_balance_refund``."""
    v = r.view
    return {"predecessor_id": r.predecessor, "receiver_id": r.receiver,
            "receipt_id": r.receipt_id,
            "receipt": {"Action": {
                "signer_id": r.signer, "signer_public_key": key_text(v.signer_public_key),
                "gas_price": str(v.gas_price),
                "output_data_receivers": [{"data_id": base58(d), "receiver_id": who}
                                          for d, who in v.output_data_receivers],
                "input_data_ids": [base58(d) for d in v.input_data_ids],
                "actions": [action_json(a) for a in v.actions],
                "is_promise_yield": v.is_promise_yield}},
            "priority": 0}


def receipt_outcome_json(r, block_hash_of) -> dict:
    """views.rs ExecutionOutcomeWithIdView of one receipt."""
    return {
        "proof": [], "block_hash": base58(block_hash_of(r.block_height)), "id": r.receipt_id,
        "outcome": {"logs": list(r.logs), "receipt_ids": list(r.produced),
                    "gas_burnt": r.gas_burnt, "tokens_burnt": str(r.tokens_burnt),
                    "executor_id": r.receiver, "status": receipt_status_json(r),
                    "metadata": {"version": 3, "gas_profile": r.gas_profile_view()}}}


def final_outcome_json(out, tx, signature, block_hash_of) -> dict:
    """views.rs FinalExecutionOutcomeView (+ ``final_execution_status``, RpcTransactionResponse):
    ``block_hash_of(height)`` names the blocks the outcomes were in."""
    receipts = [r for r in out.receipts]
    first = receipts[0].receipt_id if receipts else None
    included = out.included_at or 0
    if out.status == "success":
        status = {"SuccessValue": b64(out.raw_value or b"")}
    elif out.status == "failure":
        status = {"Failure": action_error_json(out.final_failure)}
    else:
        status = "Started" if out.status == "pending" else "Unknown"
    tx_outcome = {
        "proof": [], "block_hash": base58(block_hash_of(included)), "id": base58(tx.hash),
        "outcome": {"logs": [], "receipt_ids": [first] if first else [],
                    "gas_burnt": out.conversion_gas_burnt,
                    "tokens_burnt": str(out.conversion_tokens_burnt),
                    "executor_id": tx.signer_id,
                    "status": {"SuccessReceiptId": first} if first else "Unknown",
                    "metadata": {"version": 1, "gas_profile": None}}}
    receipts_outcome = [receipt_outcome_json(r, block_hash_of) for r in receipts]
    return {"final_execution_status": "FINAL" if out.done else "INCLUDED",
            "status": status, "transaction": signed_transaction_json(tx, signature),
            "transaction_outcome": tx_outcome, "receipts_outcome": receipts_outcome}
