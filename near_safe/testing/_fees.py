"""Action fees, transaction cost and action validation (docs/protocol.md 3.1, 4.9, 5.1, 5.3).

Mirrors nearcore's ``runtime/runtime/src/config.rs`` (``total_send_fees``, ``exec_fee``,
``calculate_tx_cost``) and ``verifier.rs`` (``validate_actions``).  CPython only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._ed25519 import is_valid_staking_key
from ._state import base58, make_frozen
from ._types import (AddKey, CreateAccount, DeleteAccount, DeleteKey, DeployContract,
                     FunctionCall, SignedDelegateAction, Stake, Transfer)

_NEAR_IMPLICIT = re.compile(r"[0-9a-f]{64}")  # used with fullmatch
_ETH_IMPLICIT = re.compile(r"0x[0-9a-f]{40}")


def account_type(account_id: str) -> str:
    """'near-implicit' (64 hex), 'eth-implicit' (0x + 40 hex) or 'named' (docs/protocol.md 1.1)."""
    if _NEAR_IMPLICIT.fullmatch(account_id):
        return "near-implicit"
    if _ETH_IMPLICIT.fullmatch(account_id):
        return "eth-implicit"
    return "named"


_CREATE_ACCOUNT = (("create_account", 1),)
_TRANSFER = (("transfer", 1),)
_TRANSFER_NEAR_IMPLICIT = (("transfer", 1), ("create_account", 1), ("add_full_access_key", 1))
_TRANSFER_ETH_IMPLICIT = (("transfer", 1), ("create_account", 1))
_STAKE = (("stake", 1),)
_ADD_FULL_ACCESS_KEY = (("add_full_access_key", 1),)
_DELETE_KEY = (("delete_key", 1),)
_DELETE_ACCOUNT = (("delete_account", 1),)
_DELEGATE = (("delegate", 1),)


def _parts(action, receiver_id):
    """((fee name, multiplier), ...) whose fees make up this action's send and exec fee.
    Called several times per receipt (transaction cost, exec fee, refund): the fixed
    combinations are shared constants, the common kinds are tested first."""
    if isinstance(action, FunctionCall):
        n = len(action.method_name.encode()) + len(action.args)
        return (("function_call_base", 1), ("function_call_per_byte", n))
    if isinstance(action, Transfer):
        # implicit-account transfers also pay for creating the account (+ its key)
        # (docs/protocol.md 3.1)
        kind = account_type(receiver_id)
        if kind == "near-implicit":
            return _TRANSFER_NEAR_IMPLICIT
        if kind == "eth-implicit":
            return _TRANSFER_ETH_IMPLICIT
        return _TRANSFER
    if isinstance(action, CreateAccount):
        return _CREATE_ACCOUNT
    if isinstance(action, DeployContract):
        return (("deploy_contract_base", 1), ("deploy_contract_per_byte", len(action.code)))
    if isinstance(action, Stake):
        return _STAKE
    if isinstance(action, AddKey):
        if action.access_key.full_access:
            return _ADD_FULL_ACCESS_KEY
        n = sum(len(name.encode()) + 1 for name in (action.access_key.method_names or []))
        return (("add_function_call_key_base", 1), ("add_function_call_key_per_byte", n))
    if isinstance(action, DeleteKey):
        return _DELETE_KEY
    if isinstance(action, DeleteAccount):
        return _DELETE_ACCOUNT
    if isinstance(action, SignedDelegateAction):  # the inner actions: _delegate_send_fees
        return _DELEGATE
    raise TypeError(f"unknown action {action!r}")


def send_fee(config, action, sir: bool, receiver_id: str) -> int:
    fees = config.action_fees
    total = 0
    for name, n in _parts(action, receiver_id):
        fee = fees[name]
        total += (fee.send_sir if sir else fee.send_not_sir) * n
    if isinstance(action, SignedDelegateAction):
        total += _delegate_send_fees(config, action, sir)
    return total


def _delegate_send_fees(config, action, sir: bool) -> int:
    """config.rs ``total_send_fees``, Delegate arm: the inner actions' send fees to the
    delegate's receiver, with the *outer* sender_is_receiver."""
    da = action.delegate_action
    return sum(send_fee(config, a, sir, da.receiver_id) for a in da.actions)


def total_prepaid_send_fees(config, actions) -> int:
    """config.rs ``total_prepaid_send_fees``: what a Delegate action burns when it sends its
    inner receipt (the inner actions' send fees, sender_is_receiver of the delegate's own
    sender and receiver); 0 for every other action.  Prepaid by the relayer on top of the
    send fees already burnt at conversion (nearcore charges both)."""
    total = 0
    for a in actions:
        if isinstance(a, SignedDelegateAction):
            da = a.delegate_action
            total += _delegate_send_fees(config, a, da.sender_id == da.receiver_id)
    return total


def exec_fee(config, action, receiver_id: str) -> int:
    fees = config.action_fees
    total = 0
    for name, n in _parts(action, receiver_id):
        total += fees[name].execution * n
    return total


def receipt_exec_fee(config) -> int:
    return config.action_fees["action_receipt_creation"].execution


def total_prepaid_gas(actions) -> int:
    total = 0
    for a in actions:
        if isinstance(a, FunctionCall):
            total += a.gas
        elif isinstance(a, SignedDelegateAction):  # config.rs: the inner actions' gas
            total += total_prepaid_gas(a.delegate_action.actions)
    return total


def total_deposit(actions) -> int:
    """Σ Transfer and FunctionCall deposits: what a failed receipt refunds
    (docs/protocol.md 4.3)."""
    total = 0
    for a in actions:
        if isinstance(a, (Transfer, FunctionCall)):
            total += a.deposit
        elif isinstance(a, SignedDelegateAction):  # the relayer pays the inner deposits
            total += total_deposit(a.delegate_action.actions)
    return total


def total_prepaid_exec_fees(config, actions, receiver_id: str) -> int:
    """Σ exec fees + the action receipt's exec fee (config.rs ``total_prepaid_exec_fees`` plus
    ``new_action_receipt``, as the refund and tx_cost add them).  A Delegate adds its own
    exec fee and the inner receipt's (receipt + inner actions at the delegate's receiver)."""
    total = receipt_exec_fee(config)
    for a in actions:
        total += exec_fee(config, a, receiver_id)
        if isinstance(a, SignedDelegateAction):
            da = a.delegate_action
            total += total_prepaid_exec_fees(config, da.actions, da.receiver_id)
    return total


@dataclass(frozen=True)
class TxCost:
    """docs/protocol.md 3.1: what converting a transaction burns and what the signer is debited."""

    gas_burnt: int  # receipt creation send + Σ send fees
    gas_remaining: int  # Σ prepaid FunctionCall gas + receipt exec + Σ exec fees
    gas_price: int  # the purchase price: the receipt's gas_price (purchase_price)
    total_cost: int  # gas_burnt * block price + gas_remaining * gas_price + Σ deposits
    burnt_amount: int  # gas_burnt * price


def tx_cost(config, signer_id: str, receiver_id: str, actions) -> TxCost:
    """config.rs ``calculate_tx_cost`` in one pass over the actions (it runs twice per
    transaction: at submission and at conversion)."""
    sir = signer_id == receiver_id
    fees = config.action_fees
    creation = fees["action_receipt_creation"]
    gas_burnt = creation.send(sir)  # receipt creation send + Σ send fees
    exec_fees = creation.execution  # receipt creation exec + Σ exec fees
    prepaid = deposits = prepaid_send = 0
    for a in actions:
        for name, n in _parts(a, receiver_id):
            fee = fees[name]
            gas_burnt += (fee.send_sir if sir else fee.send_not_sir) * n
            exec_fees += fee.execution * n
        if isinstance(a, FunctionCall):
            prepaid += a.gas
            deposits += a.deposit
        elif isinstance(a, Transfer):
            deposits += a.deposit
        elif isinstance(a, SignedDelegateAction):  # NEP-366: the relayer pays it all
            inner = a.delegate_action.actions
            gas_burnt += _delegate_send_fees(config, a, sir)
            exec_fees += total_prepaid_exec_fees(config, inner, a.delegate_action.receiver_id)
            prepaid += total_prepaid_gas(inner)
            deposits += total_deposit(inner)
            prepaid_send += total_prepaid_send_fees(config, [a])
    gas_remaining = prepaid + prepaid_send + exec_fees
    price = config.gas_price
    purchase = purchase_price(config, sir, prepaid)
    total = gas_burnt * price + gas_remaining * purchase + deposits
    return make_frozen(TxCost, gas_burnt=gas_burnt, gas_remaining=gas_remaining,
                       gas_price=purchase, total_cost=total, burnt_amount=gas_burnt * price)


def purchase_price(config, sir: bool, prepaid_gas: int) -> int:
    """The price the receipt's gas is bought at (docs/protocol.md 3.1): the block's price,
    inflated before protocol 78 by ``pessimistic_gas_price_inflation`` once per block the
    receipt chain could last (config.rs ``tx_cost``: 1 hop unless sir, plus prepaid gas /
    ``min_receipt_with_function_call_gas``; ``safe_gas_price_inflated`` rounds up, at most
    255 hops), and from protocol 85 at least ``min_gas_purchase_price`` (NEP-642)."""
    price = config.gas_price
    num, den = config.pessimistic_gas_price_inflation
    if num != den:
        fees = config.action_fees
        receipt, call = fees["action_receipt_creation"], fees["function_call_base"]
        min_gas = (min(receipt.send_sir, receipt.send_not_sir) + receipt.execution
                   + min(call.send_sir, call.send_not_sir) + call.execution)
        hops = min(255, (0 if sir else 1) + (prepaid_gas // min_gas if min_gas else 0))
        price = (num**hops * price + den**hops - 1) // den**hops
    return max(price, config.min_gas_purchase_price)


class ActionsValidationError(Exception):
    """nearcore ``ActionsValidationError``: ``kind`` is the variant name, ``message`` its text."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def validate_actions(config, actions) -> None:
    """verifier.rs ``validate_actions`` for a transaction's or a new receipt's actions
    (docs/protocol.md 1.1 DeleteAccount last, 4.9, 5.3 limits).  Raises ActionsValidationError."""
    limits = config.limits
    if len(actions) > limits["max_actions_per_receipt"]:
        raise ActionsValidationError(
            "TotalNumberOfActionsExceeded",
            f"The total number of actions {len(actions)} exceeds the limit "
            f"{limits['max_actions_per_receipt']}")
    deploys = sum(isinstance(a, DeployContract) for a in actions)
    if deploys > limits["max_deploy_actions_per_receipt"]:
        raise ActionsValidationError(
            "TotalNumberOfDeployActionsExceeded",
            f"The total number of deploy actions {deploys} exceeds the limit "
            f"{limits['max_deploy_actions_per_receipt']}")
    delegates = 0
    for i, action in enumerate(actions):
        if isinstance(action, DeleteAccount) and i != len(actions) - 1:
            raise ActionsValidationError(
                "DeleteActionMustBeFinal",
                "The delete action must be the final action in transaction")
        if isinstance(action, SignedDelegateAction):  # action_validation.rs
            delegates += 1
            if delegates > 1:
                raise ActionsValidationError("DelegateActionMustBeOnlyOne",
                                             "The transaction contains more than one "
                                             "delegation action")
            validate_actions(config, action.delegate_action.actions)
        if isinstance(action, FunctionCall):
            _validate_function_call(config, limits, action)
        if isinstance(action, DeployContract) and len(action.code) > limits["max_contract_size"]:
            raise ActionsValidationError(
                "ContractSizeExceeded",
                f"The length of the contract size {len(action.code)} exceeds the maximum "
                f"allowed size {limits['max_contract_size']}")
        if isinstance(action, Stake) and not is_valid_staking_key(action.public_key):
            raise ActionsValidationError(  # verifier.rs validate_stake_action
                "UnsuitableStakingKey", "The staking key must be ristretto compatible ED25519 "
                f"key. {_key_text(action.public_key)} is provided instead.")
    prepaid = total_prepaid_gas(actions)
    if prepaid > limits["max_total_prepaid_gas"]:
        raise ActionsValidationError(
            "TotalPrepaidGasExceeded",
            f"The total prepaid gas {prepaid} for all given actions exceeded the limit "
            f"{limits['max_total_prepaid_gas']}")


def _key_text(public_key: bytes) -> str:
    """near_crypto ``PublicKey`` Display: ``ed25519:<base58>`` / ``secp256k1:<base58>``."""
    kind = {0: "ed25519", 1: "secp256k1"}.get(public_key[:1][0] if public_key else -1, "unknown")
    return f"{kind}:{base58(public_key[1:])}"


def _validate_function_call(config, limits, action) -> None:
    if action.gas == 0:
        raise ActionsValidationError("FunctionCallZeroAttachedGas",
                                     "The attached amount of gas in a FunctionCall action "
                                     "has to be a positive number.")
    if not action.method_name and config.feature("reject_empty_method_name"):
        # protocol 87 (RejectEmptyMethodName): a new receipt is refused here instead of
        # failing in the VM with MethodEmptyName (action_validation.rs
        # validate_function_call_action, ValidateReceiptMode::NewReceipt)
        raise ActionsValidationError("FunctionCallEmptyMethodName",
                                     "The method name of a FunctionCall action is empty.")
    n = len(action.method_name.encode())
    if n > limits["max_length_method_name"]:
        raise ActionsValidationError(
            "FunctionCallMethodNameLengthExceeded",
            f"The length of the method name {n} exceeds the maximum allowed length "
            f"{limits['max_length_method_name']}")
    if len(action.args) > limits["max_arguments_length"]:
        raise ActionsValidationError(
            "FunctionCallArgumentsLengthExceeded",
            f"The length of the arguments {len(action.args)} exceeds the maximum allowed "
            f"length {limits['max_arguments_length']}")
