"""What the runtime reports: receipt outcomes, transaction outcomes, pending receipts, account
views.  Plain immutable objects with a ``__repr__`` that reads well in a failing test.

CPython only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from ..errors import ExecutionFailure, RuntimeSimError
from . import params
from ._state import base58


class InvalidTransaction(RuntimeSimError):
    """The transaction was rejected before any receipt was created (nearcore
    ``InvalidTxError``, e.g. TotalPrepaidGasExceeded, NotEnoughBalance, InvalidNonce): no fee
    is charged.  ``kind`` is nearcore's variant name."""

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


def decode_value(raw: Optional[bytes]):
    """A return value as a test wants it: JSON-decoded if it is JSON, else text if it is UTF-8,
    else the bytes.  Empty (a method that returned nothing) and None both give None."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        pass
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw


def fmt_near(amount: int) -> str:
    return f"{amount / params.NEAR:.6g} NEAR"


def fmt_gas(gas: int) -> str:
    return f"{gas / params.TGAS:.3f} Tgas"


@dataclass(frozen=True)
class ActionError:
    """nearcore ``ActionError{index, kind}``.  ``kind`` is the ActionErrorKind variant
    ('AccountDoesNotExist', 'FunctionCallError', 'LackBalanceForState',
    'NewReceiptValidationError', ...); for a FunctionCallError, ``detail`` is the VM's kind
    ('GuestPanic', 'GasExceeded', 'CodeDoesNotExist', 'MethodNotFound', ...).  ``data`` holds
    the variant's fields (account_id, amount, ...)."""

    index: Optional[int]
    kind: str
    message: str
    detail: Optional[str] = None
    data: dict = field(default_factory=dict)

    def __str__(self):
        return self.message


class _Decoded:
    """What receipt and transaction outcomes show alike: the transaction's id in base58 and the
    decoded return value (both computed when read)."""

    @property
    def tx_id(self) -> str:
        """base58, as NEAR shows it."""
        return base58(self.tx_hash)

    @property
    def value(self):
        return decode_value(self.raw_value)


@dataclass(frozen=True)
class ReceiptView:
    """What an action receipt carried, beside its outcome's receiver, predecessor and signer
    (nearcore views.rs ``ReceiptEnumView::Action``: the node's ``EXPERIMENTAL_receipt``).
    Ids are raw 32-byte hashes; ``output_data_receivers`` is ``((data_id, receiver_id), ...)``
    as the receipt had them when it ran."""

    signer_public_key: bytes
    gas_price: int
    # the action objects (CreateAccount(), FunctionCall(...), ...): mutable dataclasses, so left
    # out of the hash (equal views still hash equal) and kept in ==
    actions: tuple = field(hash=False)
    input_data_ids: tuple
    output_data_receivers: tuple
    is_promise_yield: bool
    refund_to: Optional[str]


@dataclass(frozen=True)
class ReceiptOutcome(_Decoded):
    """The execution outcome of one action receipt (docs/protocol.md 1.6).

    Ids are kept as the raw 32-byte hashes (``*_hash``) and shown in base58 (``receipt_id``,
    ``return_receipt_id``, ``produced``, ``tx_id``) only when read: encoding costs a few
    microseconds per id and most outcomes are never looked at by id."""

    receipt_hash: bytes
    receiver: str
    predecessor: str
    signer: str
    method: Optional[str]  # first FunctionCall's method, if any
    actions: tuple  # action type names, e.g. ("CreateAccount", "Transfer")
    status: str  # "success" | "failure"
    raw_value: Optional[bytes]  # SuccessValue bytes; None for failure / SuccessReceiptId
    return_receipt_hash: Optional[bytes]  # SuccessReceiptId: the receipt whose result is ours
    failure: Optional[ActionError]
    logs: tuple
    gas_burnt: int
    tokens_burnt: int
    vm_gas_burnt: int  # burnt inside the VM (basis of the 30% reward)
    contract_reward: int
    block_height: int
    is_refund: bool
    produced_hashes: tuple  # ids of the action receipts it emitted (refunds included)
    deposit: int  # Σ deposits of its actions
    tx_hash: bytes
    # where the VM's gas went: (burnt, {cost name: gas}) per function call (VMOutcome)
    vm_profiles: tuple = ()
    view: Optional[ReceiptView] = None  # what the receipt carried (EXPERIMENTAL_receipt)

    @property
    def gas_profile(self) -> dict:
        """nearcore's ProfileDataV3 of this receipt (``runtime/function_call.rs`` merges the
        profile of each function call): ``{"actions": {...}, "wasm_host": {...},
        "wasm_instruction": gas}`` with nearcore's cost names as the RPC shows them
        (``FUNCTION_CALL_BASE``, ``NEW_ACTION_RECEIPT``, ``STORAGE_WRITE_BASE``,
        ``TOUCHING_TRIE_NODE``, ...).  Action costs are the send fees burnt for the promises the
        contract created; the Wasm ops are what a call burnt besides actions and host costs
        (``compute_wasm_instruction_cost``), so the parts add up to ``vm_gas_burnt``.
        ``gas_burnt`` adds the receipt's own execution fees (the action receipt, each
        action), which nearcore's profile leaves out (docs/gas-model.md)."""
        actions: dict = {}
        host: dict = {}
        wasm = 0
        for burnt, profile in self.vm_profiles:
            rest = burnt
            for name, gas in profile.items():
                if name.endswith("(reserved)") or name == "wasm_ops" or not gas:
                    continue
                if name in _ACTION_COSTS:
                    k = _ACTION_COSTS[name]
                    actions[k] = actions.get(k, 0) + gas
                elif name == "contract_loading":  # the VM charges base + bytes in one
                    base = min(gas, params.EXT_COSTS["contract_loading_base"])
                    host["CONTRACT_LOADING_BASE"] = host.get("CONTRACT_LOADING_BASE", 0) + base
                    if gas > base:
                        host["CONTRACT_LOADING_BYTES"] = (host.get("CONTRACT_LOADING_BYTES", 0)
                                                          + gas - base)
                else:
                    k = name.upper()
                    host[k] = host.get(k, 0) + gas
                rest -= gas
            wasm += max(0, rest)
        return {"actions": actions, "wasm_host": host, "wasm_instruction": wasm}

    def gas_profile_view(self) -> list:
        """The profile as nearcore's RPC returns it in ``metadata.gas_profile`` (views.rs
        CostGasUsed: ``cost_category`` ACTION_COST or WASM_HOST_COST - the Wasm ops are the
        WASM_HOST_COST ``WASM_INSTRUCTION`` -, ``cost``, ``gas_used`` as a string), sorted by
        category and cost."""
        p = self.gas_profile
        rows = [("ACTION_COST", k, g) for k, g in p["actions"].items()]
        rows += [("WASM_HOST_COST", k, g) for k, g in p["wasm_host"].items()]
        if p["wasm_instruction"]:
            rows.append(("WASM_HOST_COST", "WASM_INSTRUCTION", p["wasm_instruction"]))
        return [{"cost_category": c, "cost": k, "gas_used": str(g)} for c, k, g in sorted(rows)]

    @property
    def receipt_id(self) -> str:
        """base58, as NEAR shows it."""
        return base58(self.receipt_hash)

    @property
    def return_receipt_id(self) -> Optional[str]:
        """base58 id of the receipt whose result is ours (SuccessReceiptId), else None."""
        h = self.return_receipt_hash
        return None if h is None else base58(h)

    @property
    def produced(self) -> tuple:
        """base58 ids of the action receipts it emitted (refunds included)."""
        return tuple(base58(h) for h in self.produced_hashes)

    @property
    def error(self) -> Optional[str]:
        return self.failure.message if self.failure else None

    @property
    def error_kind(self) -> Optional[str]:
        """The most specific error name: the VM's kind for FunctionCallErrors (e.g.
        'GuestPanic'), the ActionErrorKind otherwise (e.g. 'AccountDoesNotExist')."""
        if self.failure is None:
            return None
        return self.failure.detail or self.failure.kind

    @property
    def succeeded(self) -> bool:
        return self.status == "success"

    def __repr__(self):
        what = self.method or "+".join(self.actions) or "-"
        res = (f"error={self.error!r}" if self.failure else
               f"-> receipt {self.return_receipt_id[:8]}" if self.return_receipt_id else
               f"value={self.value!r}")
        refund = " refund" if self.is_refund else ""
        return (f"<Receipt{refund} @{self.block_height} {self.predecessor} -> {self.receiver}."
                f"{what} {self.status} {res} gas={fmt_gas(self.gas_burnt)}"
                f"{' logs=' + repr(list(self.logs)) if self.logs else ''}>")


# the simulator's fee names -> nearcore's ActionCosts, as views.rs names them
_ACTION_COSTS = {
    "action_receipt_creation": "NEW_ACTION_RECEIPT",
    "data_receipt_creation_base": "NEW_DATA_RECEIPT_BASE",
    "data_receipt_creation_per_byte": "NEW_DATA_RECEIPT_BYTE",
    "create_account": "CREATE_ACCOUNT",
    "delete_account": "DELETE_ACCOUNT",
    "deploy_contract_base": "DEPLOY_CONTRACT_BASE",
    "deploy_contract_per_byte": "DEPLOY_CONTRACT_BYTE",
    "function_call_base": "FUNCTION_CALL_BASE",
    "function_call_per_byte": "FUNCTION_CALL_BYTE",
    "transfer": "TRANSFER",
    "stake": "STAKE",
    "add_full_access_key": "ADD_FULL_ACCESS_KEY",
    "add_function_call_key_base": "ADD_FUNCTION_CALL_KEY_BASE",
    "add_function_call_key_per_byte": "ADD_FUNCTION_CALL_KEY_BYTE",
    "delete_key": "DELETE_KEY",
    "delegate": "DELEGATE",
}


@dataclass(frozen=True)
class TxOutcome(_Decoded):
    """The outcome of a transaction and of every receipt of its tree, in execution order.

    ``status`` is the final result (docs/protocol.md 3.6: follow SuccessReceiptId links from the
    first receipt): "success" or "failure", "pending" while the tree is still running, "invalid" if
    the transaction was rejected at inclusion.  ``error`` is the FIRST failure anywhere in the
    tree (a failed callee whose callback succeeded gives status "success" with an error), so
    a test can assert ``out.error is None`` for "nothing failed anywhere".
    ``gas_burnt`` / ``tokens_burnt`` sum the conversion and every non-refund receipt: what the
    transaction really cost (refund receipts are free, docs/protocol.md 1.4)."""

    tx_hash: bytes  # shown in base58 as ``tx_id``
    signer: str
    receiver: str
    status: str
    raw_value: Optional[bytes]
    final_failure: Optional[ActionError]
    receipts: tuple  # ReceiptOutcome, in execution order
    conversion_gas_burnt: int
    conversion_tokens_burnt: int
    invalid: Optional[str] = None
    included_at: Optional[int] = None  # block height that included (converted) the tx

    @property
    def logs(self) -> list:
        return [line for r in self.receipts for line in r.logs]

    @property
    def gas_burnt(self) -> int:
        return self.conversion_gas_burnt + sum(r.gas_burnt for r in self.receipts
                                               if not r.is_refund)

    @property
    def tokens_burnt(self) -> int:
        return self.conversion_tokens_burnt + sum(r.tokens_burnt for r in self.receipts)

    @property
    def failures(self) -> list:
        return [r for r in self.receipts if r.status == "failure"]

    @property
    def error(self) -> Optional[str]:
        if self.invalid:
            return self.invalid
        failures = self.failures
        return failures[0].error if failures else None

    @property
    def succeeded(self) -> bool:
        return self.status == "success"

    @property
    def done(self) -> bool:
        return self.status != "pending"

    def receipt(self, method=None, receiver=None, index=0, **filters) -> ReceiptOutcome:
        """The ``index``-th receipt matching ``method`` / ``receiver`` / any other field."""
        matches = self.find(method=method, receiver=receiver, **filters)
        if len(matches) <= index:
            raise LookupError(f"no receipt #{index} with method={method!r} "
                              f"receiver={receiver!r} {filters or ''} in {self!r}")
        return matches[index]

    def find(self, method=None, receiver=None, **filters) -> list:
        out = []
        for r in self.receipts:
            if method is not None and r.method != method:
                continue
            if receiver is not None and r.receiver != _account_id(receiver):
                continue
            if any(getattr(r, k) != v for k, v in filters.items()):
                continue
            out.append(r)
        return out

    @property
    def refunds(self) -> list:
        return [r for r in self.receipts if r.is_refund]

    def unwrap(self):
        """The decoded value; raises ExecutionFailure (with this outcome) unless it succeeded."""
        if self.status != "success":
            raise ExecutionFailure(
                f"transaction {self.signer} -> {self.receiver} {self.status}: "
                f"{self.final_failure or self.invalid or 'still running'}\n{self!r}", self)
        return self.value

    def __repr__(self):
        head = (f"<TxOutcome {self.signer} -> {self.receiver} {self.status} "
                f"value={self.value!r} gas={fmt_gas(self.gas_burnt)}")
        if self.error:
            head += f" error={self.error!r}"
        lines = [head] + [f"  {r!r}" for r in self.receipts]
        return "\n".join(lines) + ">"


def _account_id(x) -> str:
    return x if isinstance(x, str) else x.id


@dataclass(frozen=True)
class PendingReceipt:
    """A receipt (or transaction) that has not run yet, as :meth:`Runtime.pending` lists it.

    ``kind``: 'transaction', 'action', 'data', 'yield' (a yielded receipt waiting for its
    resume), 'resume'.  ``waiting_for_data``: an action receipt postponed until its input data
    arrives (a callback whose callee has not finished).  ``runs_at``: the block it will run in
    if nothing changes; None while it waits for data; for a yield, the block of its timeout."""

    kind: str
    receipt_id: str
    receiver: str
    predecessor: str
    method: Optional[str]
    waiting_for_data: bool
    runs_at: Optional[int]
    is_refund: bool = False
    tx_id: str = ""

    @property
    def block(self) -> Optional[int]:
        """The block it will run in (``runs_at``)."""
        return self.runs_at

    def __repr__(self):
        when = "waiting for data" if self.waiting_for_data else f"runs at {self.runs_at}"
        return (f"<Pending {self.kind} {self.predecessor} -> {self.receiver}."
                f"{self.method or '-'} ({when})>")


@dataclass(frozen=True)
class AccountView:
    """An account's record (docs/protocol.md 1.1): liquid and locked balance, storage, code hash."""

    account_id: str
    amount: int
    locked: int
    storage_usage: int
    code_hash: Optional[bytes]
    code_size: int
    keys: int

    def __repr__(self):
        return (f"<Account {self.account_id} amount={fmt_near(self.amount)} locked="
                f"{fmt_near(self.locked)} storage={self.storage_usage}B code={self.code_size}B>")
