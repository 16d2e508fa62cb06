"""Data passed between the runtime (receipts, accounts, blocks: ``_runtime.py``) and the VM
(host functions, gas, wasmtime: ``vm/``).  The split mirrors nearcore: the runtime builds a
:class:`VMContext` for one FunctionCall action, the VM runs it and returns a :class:`VMOutcome`
(nearcore ``VMOutcome``, docs/protocol.md 1.6), the runtime commits or discards.

CPython only.  Amounts are yoctoNEAR ints, gas is int.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

# ---------------------------------------------------------------------------------- actions
# The actions of a receipt (docs/protocol.md 1.4).  A contract creates them through
# promise_batch_action_*; a transaction carries them directly.


@dataclass
class CreateAccount:
    pass


@dataclass
class DeployContract:
    code: bytes


@dataclass
class FunctionCall:
    method_name: str
    args: bytes
    gas: int
    deposit: int = 0
    gas_weight: int = 0  # > 0: gets a share of the creator's unused gas (docs/protocol.md 5.5)


@dataclass
class Transfer:
    deposit: int


@dataclass
class Stake:
    stake: int
    public_key: bytes


@dataclass
class AccessKey:
    nonce: int = 0
    # None = full access; otherwise a function-call permission
    allowance: Optional[int] = None
    receiver_id: Optional[str] = None
    method_names: Optional[list] = None

    @property
    def full_access(self) -> bool:
        return self.receiver_id is None


@dataclass
class AddKey:
    public_key: bytes  # borsh-serialised PublicKey (ed25519: 1 + 32 bytes)
    access_key: AccessKey


@dataclass
class DeleteKey:
    public_key: bytes


@dataclass
class DeleteAccount:
    beneficiary_id: str


@dataclass
class DelegateAction:
    """NEP-366 (nearcore core/primitives/src/action/delegate.rs): ``actions`` that
    ``sender_id`` signed for ``receiver_id``, valid while the block height is at most
    ``max_block_height``; ``nonce`` is checked against ``public_key``'s access key of the
    sender.  ``hash`` is what the sender signs (NEP-461 prefixed)."""

    sender_id: str
    receiver_id: str
    actions: list
    nonce: int
    max_block_height: int
    public_key: bytes  # borsh PublicKey: key type 0 (ed25519) + 32 bytes

    @property
    def hash(self) -> bytes:
        from ._transactions import delegate_action_hash

        return delegate_action_hash(self)


@dataclass
class SignedDelegateAction:
    """Action 8 ``Delegate``: a relayer's transaction to ``delegate_action.sender_id`` carries
    it; the inner actions run as a receipt from the sender to ``delegate_action.receiver_id``,
    paid for by the relayer (testing/_actions.py ``apply_delegate_action``)."""

    delegate_action: DelegateAction
    signature: bytes  # ed25519, 64 bytes, over ``delegate_action.hash``


Action = Union[CreateAccount, DeployContract, FunctionCall, Transfer, Stake, AddKey, DeleteKey,
               DeleteAccount, SignedDelegateAction]


# ---------------------------------------------------------------------------------- VM input


@dataclass
class VMContext:
    """What one FunctionCall sees (docs/protocol.md 1.5)."""

    current_account_id: str
    signer_account_id: str
    signer_account_pk: bytes
    predecessor_account_id: str
    refund_to_account_id: str
    input: bytes
    # one entry per input data id, in order: bytes = Successful(bytes), None = Failed
    promise_results: list
    block_height: int
    block_timestamp: int  # ns
    epoch_height: int
    random_seed: bytes  # 32 bytes
    account_balance: int  # account.amount BEFORE the deposit
    account_locked_balance: int
    storage_usage: int
    attached_deposit: int
    prepaid_gas: int
    # receiver account ids of this receipt's output data receivers, only if the FunctionCall
    # is the last action of the receipt (value_return charges per byte per receiver)
    output_data_receivers: list = field(default_factory=list)
    is_view: bool = False


# ---------------------------------------------------------------------------------- VM output


@dataclass
class NewReceipt:
    """A receipt created by the contract during one call (promise_batch_create/then, yield).

    ``input_receipt_indices``: indices (into ``VMOutcome.new_receipts``) of the receipts whose
    results this receipt waits for (promise_batch_then over a Receipt or a promise_and).
    The runtime turns each into a data id + DataReceiver on the producing receipt."""

    receiver_id: str
    actions: list = field(default_factory=list)
    input_receipt_indices: list = field(default_factory=list)
    refund_to: Optional[str] = None
    is_yield: bool = False
    yield_data_id: Optional[bytes] = None  # for yields: the 32-byte resumption token
    yield_id: Optional[bytes] = None  # promise_yield_create_with_id: the caller-chosen id


@dataclass
class YieldResume:
    """promise_yield_resume: deliver ``payload`` to the yielded receipt waiting on ``data_id``."""

    data_id: bytes
    payload: bytes


@dataclass
class FunctionCallError:
    """Why a function call aborted.  ``kind`` is stable and machine-readable; ``message`` is
    the Display string nearcore gives (docs/protocol.md 2.0 error model), e.g.
    kind='GuestPanic', message='Smart contract panicked: boom'.

    kinds used: 'GuestPanic', 'GasExceeded', 'GasLimitExceeded', 'WasmTrap', 'HostError'
    (any other host error; ``detail`` holds nearcore's variant name, e.g. 'BalanceExceeded'),
    'MethodNotFound', 'MethodEmptyName', 'MethodInvalidSignature', 'CodeDoesNotExist',
    'CompilationError', 'LinkError'."""

    kind: str
    message: str
    detail: Optional[str] = None
    # the variant's fields, e.g. {'limit': 100} for NumberOfLogsExceeded (added by the VM)
    data: Optional[dict] = None


@dataclass
class VMOutcome:
    """Result of running one FunctionCall (docs/protocol.md 1.6).  On abort the runtime ignores
    balance, storage, return data, receipts and storage writes."""

    balance: int
    storage_usage: int
    # None | ("value", bytes) | ("receipt", index into new_receipts)
    return_data: Optional[tuple]
    burnt_gas: int
    used_gas: int
    logs: list = field(default_factory=list)
    aborted: Optional[FunctionCallError] = None
    new_receipts: list = field(default_factory=list)  # list[NewReceipt]
    yield_resumes: list = field(default_factory=list)  # list[YieldResume]
    # storage after the call: the runtime passes a dict, the VM mutates a copy and returns it
    # here; None when aborted.  Keys and values are bytes.
    storage: Optional[dict] = None
    # nop outcome (missing code / missing method): no loading fee, no reward
    nop: bool = False
    # where the gas went (added by the VM): cost name -> gas, e.g. 'wasm_ops',
    # 'contract_loading', 'base', 'storage_write_base', 'function_call_base' (action fees:
    # the burnt + reserved amount).  Diagnostic only; burnt_gas/used_gas are authoritative.
    profile: Optional[dict] = None
