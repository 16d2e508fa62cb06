"""``apply_action``: one function per action kind (docs/protocol.md 1.1, 1.2, 3.5).

Each function works on a :class:`ReceiptRun`, the working copy of one receipt's execution:
the receiver's account clone, the current actor, the new receipts and the gas tallies.  A
failing action raises :class:`ActionFailed`; the caller (``_runtime.apply_action_receipt``)
turns it into ``ActionError{index, kind}`` and discards the whole receipt (docs/protocol.md 4.1).
What the actions use of the runtime is :class:`ActionHost`, and nothing else
(tests/runtime/test_tool_surface.py checks it).

CPython only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Optional, Protocol

from . import params
from ._fees import (account_type, total_prepaid_exec_fees, total_prepaid_gas,
                    total_prepaid_send_fees)
from ._outcomes import ActionError
from ._state import (SYSTEM_ACCOUNT, ZERO_PUBLIC_KEY, Account, ActionReceipt,
                     access_key_storage_size)
from ._types import (AccessKey, AddKey, CreateAccount, DeleteAccount, DeleteKey, DeployContract,
                     FunctionCall, FunctionCallError, NewReceipt, SignedDelegateAction, Stake,
                     Transfer, VMContext)

REGISTRAR_ACCOUNT = "registrar"


class ActionFailed(Exception):
    """An action failed: ``kind`` is nearcore's ActionErrorKind variant name."""

    def __init__(self, kind: str, message: str, detail: Optional[str] = None, **data):
        super().__init__(message)
        self.kind, self.message, self.detail, self.data = kind, message, detail, data

    def to_error(self, index: Optional[int]) -> ActionError:
        return ActionError(index, self.kind, self.message, self.detail, dict(self.data))


class ActionHost(Protocol):
    """All that the actions use of the runtime; the runtime hands each ReceiptRun one
    (``_runtime._ActionHost``)."""

    config: params.Config
    height: int  # the current block's

    def block_timestamp(self, height: int) -> int:
        """Block ``height``'s timestamp in ns (docs/protocol.md 1.5)."""

    def code_for_deploy(self, code: bytes):
        """The ContractCode a DeployContract action's bytes become (a python-mode source this
        runtime deployed before keeps its kind; else Wasm)."""

    def execute(self, code, method: str, context: VMContext, storage: dict,
                receipt: ActionReceipt):
        """Run one FunctionCall in the VM, with the runtime's faults and wrappers: VMOutcome."""

    def receipt_from_vm(self, parent: ActionReceipt, new) -> ActionReceipt:
        """A NewReceipt the VM made, as an ActionReceipt of ``parent``'s (docs/protocol.md 1.4)."""

    def balance_refund(self, receipt: ActionReceipt, to: str, amount: int) -> ActionReceipt:
        """A deposit refund of ``amount`` to ``to`` from ``system`` (docs/protocol.md 1.4)."""

    def new_data_id(self) -> bytes:
        """A fresh data id (deterministic: the runtime's counter)."""

    def minimum_stake(self) -> int:
        """The least a Stake action may propose (testing/_validators.py ``minimum_stake``)."""


@dataclass
class ReceiptRun:
    """The working state of ``apply_action_receipt`` for one receipt (docs/protocol.md 3.4)."""

    host: ActionHost
    receipt: ActionReceipt
    account: Optional[Account]  # a clone of the committed account (None: does not exist)
    actor_id: str
    promise_results: list
    gas_burnt: int = 0
    gas_used: int = 0
    vm_gas_burnt: int = 0  # gas_burnt_for_function_call: basis of the 30% reward
    # (VMOutcome.burnt_gas, VMOutcome.profile) of each function call
    profiles: list = field(default_factory=list)
    new_receipts: list = field(default_factory=list)  # ActionReceipts, creation order
    yield_resumes: list = field(default_factory=list)
    logs: list = field(default_factory=list)
    # (account, stake) of the Stake actions: validator proposals if the receipt succeeds
    proposals: list = field(default_factory=list)
    # result of the last action: ("value", bytes) | ("receipt", ActionReceipt) | None
    result: Optional[tuple] = None

    @property
    def receiver_id(self) -> str:
        return self.receipt.receiver_id


# ---------------------------------------------------------------------------------- checks


def check_account_existence(run: ReceiptRun, action, is_only_action: bool) -> None:
    """actions.rs ``check_account_existence`` (docs/protocol.md 1.1)."""
    receiver = run.receiver_id
    if isinstance(action, CreateAccount):
        if run.account is not None:
            raise ActionFailed("AccountAlreadyExists",
                               f"Can't create a new account {receiver}, because it already "
                               "exists", account_id=receiver)
        return
    if run.account is not None:
        return
    if (isinstance(action, Transfer) and is_only_action and not run.receipt.is_refund
            and account_type(receiver) != "named"):
        return  # implicit account creation (docs/protocol.md 1.1)
    raise ActionFailed("AccountDoesNotExist",
                       f"Can't complete the action because account {receiver} doesn't exist",
                       account_id=receiver)


_OWNER_ONLY = (DeployContract, Stake, AddKey, DeleteKey, DeleteAccount)


def check_actor_permissions(run: ReceiptRun, action) -> None:
    """actions.rs ``check_actor_permissions`` (docs/protocol.md 1.1)."""
    if not isinstance(action, _OWNER_ONLY):
        return
    if run.actor_id != run.receiver_id:
        raise ActionFailed("ActorNoPermission",
                           f"Actor {run.actor_id} doesn't have permission to account "
                           f"{run.receiver_id} to complete the action",
                           actor_id=run.actor_id, account_id=run.receiver_id)
    if isinstance(action, DeleteAccount) and run.account.locked != 0:
        raise ActionFailed("DeleteAccountStaking",
                           f"Account {run.receiver_id} is staking and can not be deleted",
                           account_id=run.receiver_id)


# ---------------------------------------------------------------------------------- actions


def apply_create_account(run: ReceiptRun, action: CreateAccount) -> None:
    """actions.rs ``action_create_account``: who may create which id, and the new account's
    initial state (amount 0, storage 100 bytes); the actor becomes the new account."""
    account_id, predecessor = run.receiver_id, run.receipt.predecessor_id
    if "." not in account_id:  # top-level
        limit = run.host.config.min_allowed_top_level_account_length
        if len(account_id) < limit and predecessor != REGISTRAR_ACCOUNT:
            raise ActionFailed(
                "CreateAccountOnlyByRegistrar",
                f"A top-level account ID {account_id} can't be created by {predecessor}, "
                f"short top-level account IDs can only be created by {REGISTRAR_ACCOUNT}",
                account_id=account_id, predecessor_id=predecessor)
    elif not _is_direct_sub_account(account_id, predecessor):
        raise ActionFailed("CreateAccountNotAllowed",
                           f"A sub-account ID {account_id} can't be created by account "
                           f"{predecessor}", account_id=account_id, predecessor_id=predecessor)
    run.account = Account(amount=0, storage_usage=params.STORAGE_NUM_BYTES_ACCOUNT)
    run.actor_id = account_id


def _is_direct_sub_account(account_id: str, parent: str) -> bool:
    """near-account-id ``is_sub_account_of``: ``x.parent`` where x holds no dot (only the
    direct parent may create a sub-account: alice.near creates a.alice.near, not b.a.alice.near)."""
    suffix = "." + parent
    return account_id.endswith(suffix) and "." not in account_id[:-len(suffix)]


def apply_deploy_contract(run: ReceiptRun, action: DeployContract) -> None:
    """actions.rs ``action_deploy_contract``: storage_usage drops the old code, adds the new."""
    account = run.account
    code = run.host.code_for_deploy(action.code)
    account.storage_usage += len(action.code) - account.code_len
    account.code = code
    account.code_hash = hashlib.sha256(action.code).digest()


def apply_transfer(run: ReceiptRun, action: Transfer) -> None:
    """actions.rs ``action_transfer`` / implicit account creation; a gas refund to the signer
    also tops up a function-call key's allowance (docs/protocol.md 4.5)."""
    receipt = run.receipt
    if run.account is None:  # implicit account creation (existence check allowed it)
        run.account = _implicit_account(run.receiver_id, run.host.height)
    run.account.amount += action.deposit
    if receipt.is_refund and receipt.signer_id == run.receiver_id:
        key = run.account.keys.get(receipt.signer_public_key)
        if key is not None and not key.full_access and key.allowance is not None:
            keys = dict(run.account.keys)
            keys[receipt.signer_public_key] = replace(key, allowance=key.allowance
                                                      + action.deposit)
            run.account.keys = keys


def _implicit_account(account_id: str, height: int) -> Account:
    """A NEAR-implicit account gets the full-access key its id encodes (storage 182 bytes).
    APPROXIMATION: an ETH-implicit account (0x...) is created without the wallet contract
    nearcore deploys on it (storage 100 bytes instead of 100 + the wallet's size)."""
    account = Account(amount=0, storage_usage=params.STORAGE_NUM_BYTES_ACCOUNT)
    if account_type(account_id) == "near-implicit":
        pk = b"\x00" + bytes.fromhex(account_id)
        key = AccessKey(nonce=(height - 1) * 1_000_000)
        account.keys = {pk: key}
        account.storage_usage += access_key_storage_size(pk, key)
    return account


def apply_stake(run: ReceiptRun, action: Stake) -> None:
    """actions.rs ``action_stake``: TriesToStake, TriesToUnstake, InsufficientStake below the
    minimum stake (the next epoch's seat price / minimum_stake_divisor), then a validator
    proposal (kept if the receipt succeeds) and raising the stake locks the increase at once;
    lowering it changes nothing until the epoch ends (testing/_validators.py)."""
    account, account_id = run.account, run.receiver_id
    increase = max(0, action.stake - account.locked)
    if account.amount < increase:
        raise ActionFailed("TriesToStake",
                           f"Account {account_id} tries to stake {action.stake}, but has "
                           f"staked {account.locked} and only has {account.amount}",
                           account_id=account_id, stake=action.stake,
                           locked=account.locked, balance=account.amount)
    if account.locked == 0 and action.stake == 0:
        raise ActionFailed("TriesToUnstake",
                           f"Account {account_id} is not yet staked, but tries to unstake",
                           account_id=account_id)
    if action.stake > 0:
        minimum = run.host.minimum_stake()
        if action.stake < minimum:
            raise ActionFailed("InsufficientStake",
                               f"Account {account_id} tries to stake {action.stake} but "
                               f"minimum required stake is {minimum}", account_id=account_id,
                               stake=action.stake, minimum_stake=minimum)
    run.proposals.append((account_id, action.stake))
    if increase:
        account.amount -= increase
        account.locked = action.stake


def apply_add_key(run: ReceiptRun, action: AddKey) -> None:
    """actions.rs ``action_add_key``: nonce = (height - 1) * 10^6 (docs/protocol.md 1.2), storage
    per docs/protocol.md 6."""
    account = run.account
    if action.public_key in account.keys:
        raise ActionFailed("AddKeyAlreadyExists",
                           f"The public key {action.public_key.hex()} is already used for an "
                           "existing access key", account_id=run.receiver_id)
    key = replace(action.access_key, nonce=(run.host.height - 1) * 1_000_000)
    account.keys = {**account.keys, action.public_key: key}
    account.storage_usage += access_key_storage_size(action.public_key, key)


def apply_delete_key(run: ReceiptRun, action: DeleteKey) -> None:
    account = run.account
    key = account.keys.get(action.public_key)
    if key is None:
        raise ActionFailed("DeleteKeyDoesNotExist",
                           f"Account {run.receiver_id} tries to remove an access key that "
                           "doesn't exist", account_id=run.receiver_id)
    keys = dict(account.keys)
    del keys[action.public_key]
    account.keys = keys
    account.storage_usage -= access_key_storage_size(action.public_key, key)


def apply_delete_account(run: ReceiptRun, action: DeleteAccount) -> None:
    """actions.rs ``action_delete_account``: the whole balance goes to the beneficiary as a
    balance refund (predecessor ``system``); the account, code, keys and data disappear."""
    account = run.account
    if account.storage_usage - account.code_len > params.MAX_ACCOUNT_DELETION_STORAGE_USAGE:
        raise ActionFailed("DeleteAccountWithLargeState",
                           f"The state of account {run.receiver_id} is too large and therefore "
                           "cannot be deleted", account_id=run.receiver_id)
    if account.amount > 0:
        run.new_receipts.append(run.host.balance_refund(
            run.receipt, action.beneficiary_id, account.amount))
    run.account = None


def apply_function_call(run: ReceiptRun, action: FunctionCall, is_last: bool) -> None:
    """function_call.rs ``action_function_call`` + ``execute_function_call``
    (docs/protocol.md 3.5)."""
    host = run.host
    account = run.account
    if account.code is None:  # nop outcome: no VM gas, no reward (docs/protocol.md 3.5 step 2, TV4)
        raise ActionFailed("FunctionCallError",
                           f"cannot find contract code for account {run.receiver_id}",
                           detail="CodeDoesNotExist", account_id=run.receiver_id)
    receipt = run.receipt
    height = host.height
    context = VMContext(
        current_account_id=run.receiver_id,
        signer_account_id=receipt.signer_id,
        signer_account_pk=receipt.signer_public_key,
        predecessor_account_id=receipt.predecessor_id,
        refund_to_account_id=receipt.refund_to or receipt.predecessor_id,
        input=action.args,
        promise_results=list(run.promise_results),
        block_height=height,
        block_timestamp=host.block_timestamp(height),
        epoch_height=height // host.config.epoch_length,
        random_seed=hashlib.sha256(receipt.receipt_id + height.to_bytes(8, "little")).digest(),
        account_balance=account.amount,
        account_locked_balance=account.locked,
        storage_usage=account.storage_usage,
        attached_deposit=action.deposit,
        prepaid_gas=action.gas,
        output_data_receivers=([r for _, r in receipt.output_data_receivers]
                               if is_last else []),
    )
    outcome = host.execute(account.code, action.method_name, context, account.data, receipt)
    run.gas_burnt += outcome.burnt_gas
    run.gas_used += outcome.used_gas
    run.vm_gas_burnt += outcome.burnt_gas
    if outcome.profile is not None:
        run.profiles.append((outcome.burnt_gas, outcome.profile))
    run.logs.extend(outcome.logs)
    if outcome.aborted is not None:
        raise _function_call_failed(outcome.aborted)
    # success (docs/protocol.md 3.5 step 8): the VM's balance / storage / receipts become the
    # account's
    account.amount = outcome.balance
    account.storage_usage = outcome.storage_usage
    if outcome.storage is not None:
        account.data = outcome.storage
    created = [host.receipt_from_vm(receipt, nr) for nr in outcome.new_receipts]
    for nr, new in zip(outcome.new_receipts, created):
        for k in nr.input_receipt_indices:  # promise_then / promise_and dependencies
            data_id = host.new_data_id()
            created[k].output_data_receivers.append((data_id, new.receiver_id))
            new.input_data_ids.append(data_id)
    run.new_receipts.extend(created)
    run.yield_resumes.extend(outcome.yield_resumes)
    if outcome.return_data is None:
        run.result = None
    elif outcome.return_data[0] == "receipt":
        run.result = ("receipt", created[outcome.return_data[1]])
    else:
        run.result = ("value", bytes(outcome.return_data[1]))


def _function_call_failed(error: FunctionCallError) -> ActionFailed:
    return ActionFailed("FunctionCallError", error.message, detail=error.kind,
                        host_error=error.detail)


def apply_action(run: ReceiptRun, action, index: int) -> None:
    """lib.rs ``apply_action`` (docs/protocol.md 3.5): existence, permissions, then the action
    itself. The action's exec fee was already added to the run's gas by the caller."""
    actions = run.receipt.actions
    check_account_existence(run, action, len(actions) == 1)
    check_actor_permissions(run, action)
    run.result = None  # ReturnData::None unless a FunctionCall sets it
    if isinstance(action, FunctionCall):  # the one kind that needs its place in the receipt
        apply_function_call(run, action, index == len(actions) - 1)
        return
    apply = _APPLY.get(type(action))
    if apply is None:
        raise TypeError(f"unknown action {action!r}")
    apply(run, action)


# ------------------------------------------------------------------- delegate (NEP-366)


def apply_delegate_action(run: ReceiptRun, action: SignedDelegateAction) -> None:
    """actions.rs ``apply_delegate_action``: the signature over the NEP-461 hash, the
    expiry, the sender being this receipt's receiver, then the sender's key
    (:func:`_check_delegate_key`); the inner actions become a receipt from the sender to the
    delegate's receiver, signed (and its gas refunded to) the relayer, at this receipt's gas
    price.  The relayer prepaid it all: the new receipt's exec fees and attached gas are used
    (reserved for it), the inner send fees are burnt here."""
    from ._transactions import delegate_signature_valid

    da = action.delegate_action
    if not delegate_signature_valid(action):
        raise ActionFailed("DelegateActionInvalidSignature",
                           "Delegate action has an invalid signature")
    if run.host.height > da.max_block_height:
        raise ActionFailed("DelegateActionExpired", "Delegate action has expired")
    if da.sender_id != run.receiver_id:
        raise ActionFailed("DelegateActionSenderDoesNotMatchTxReceiver",
                           f"Transaction receiver {run.receiver_id} doesn't match "
                           f"DelegateAction sender {da.sender_id}",
                           sender_id=da.sender_id, receiver_id=run.receiver_id)
    _check_delegate_key(run, da)
    cfg = run.host.config
    inner = list(da.actions)
    run.new_receipts.append(run.host.receipt_from_vm(
        run.receipt, NewReceipt(receiver_id=da.receiver_id, actions=inner)))
    required = total_prepaid_exec_fees(cfg, inner, da.receiver_id) + total_prepaid_gas(inner)
    send = total_prepaid_send_fees(cfg, run.receipt.actions)
    run.gas_used += required + send
    run.gas_burnt += send


def _check_delegate_key(run: ReceiptRun, da) -> None:
    """actions.rs ``validate_delegate_action_key``: the sender's access key for
    ``da.public_key`` exists, the nonce is above its nonce and below height * 10^6, a
    function-call key allows exactly this one call; then the key takes the nonce (kept only
    if the receipt succeeds).  Failures are DelegateActionAccessKeyError /
    DelegateActionInvalidNonce / DelegateActionNonceTooLarge."""
    from ._transactions import public_key_text

    account = run.account
    key = account.keys.get(da.public_key)
    if key is None:
        raise ActionFailed("DelegateActionAccessKeyError",
                           f"Signer \"{da.sender_id}\" doesn't have access key with the given "
                           f"public_key {public_key_text(da.public_key)}",
                           detail="AccessKeyNotFound", account_id=da.sender_id,
                           public_key=public_key_text(da.public_key))
    if da.nonce <= key.nonce:
        raise ActionFailed("DelegateActionInvalidNonce",
                           f"Delegate nonce {da.nonce} must be larger than nonce of the used "
                           f"access key {key.nonce}", delegate_nonce=da.nonce,
                           ak_nonce=key.nonce)
    upper_bound = run.host.height * 1_000_000  # ACCESS_KEY_NONCE_RANGE_MULTIPLIER
    if da.nonce >= upper_bound:
        raise ActionFailed("DelegateActionNonceTooLarge",
                           f"DelegateAction nonce {da.nonce} must be smaller than the access "
                           f"key nonce upper bound {upper_bound}",
                           delegate_nonce=da.nonce, upper_bound=upper_bound)
    if not key.full_access:
        _check_delegate_function_call_key(da, key)
    account.keys = {**account.keys, da.public_key: replace(key, nonce=da.nonce)}


def _check_delegate_function_call_key(da, key: AccessKey) -> None:
    """The function-call key rules of validate_delegate_action_key; the deposit error stops
    the checks (nearcore's FixDelegateActionDepositWithFunctionCallError, applied at every
    protocol version here: before it a later check could overwrite that error)."""
    def refused(detail: str, message: str, **data):
        return ActionFailed("DelegateActionAccessKeyError", message, detail=detail, **data)

    call = da.actions[0] if len(da.actions) == 1 else None
    if not isinstance(call, FunctionCall):
        raise refused("RequiresFullAccess", "The transaction contains more than one action or "
                      "a non-FunctionCall action; it requires a full access key")
    if call.deposit > 0:
        raise refused("DepositWithFunctionCall", "Having a deposit with a function call action "
                      "is not allowed with a function call access key.")
    if da.receiver_id != key.receiver_id:
        raise refused("ReceiverMismatch", f"Wrong AccessKey used for transaction: transaction "
                      f"is sent to receiver_id={da.receiver_id}, but is signed with function "
                      f"call access key that restricted to only use with "
                      f"receiver_id={key.receiver_id}. Either change receiver_id in your "
                      "transaction or switch to use a FullAccessKey.",
                      tx_receiver=da.receiver_id, ak_receiver=key.receiver_id)
    if key.method_names and call.method_name not in key.method_names:
        raise refused("MethodNameMismatch", f"Transaction method name {call.method_name} "
                      "isn't allowed by the access key", method_name=call.method_name)


# action type -> the function that applies it (lib.rs apply_action's match), FunctionCall apart
_APPLY = {
    CreateAccount: apply_create_account,
    DeployContract: apply_deploy_contract,
    Transfer: apply_transfer,
    Stake: apply_stake,
    AddKey: apply_add_key,
    DeleteKey: apply_delete_key,
    DeleteAccount: apply_delete_account,
    SignedDelegateAction: apply_delegate_action,
}


def storage_stake_shortfall(account: Account) -> int:
    """docs/protocol.md 6: how much balance the account lacks to cover its storage (0 if none)."""
    if account.storage_usage <= params.ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT:
        return 0
    required = account.storage_usage * params.STORAGE_AMOUNT_PER_BYTE
    available = account.amount + account.locked
    return max(0, required - available)


__all__ = ["ActionFailed", "ActionHost", "ReceiptRun", "apply_action", "storage_stake_shortfall",
           "SYSTEM_ACCOUNT", "ZERO_PUBLIC_KEY"]
