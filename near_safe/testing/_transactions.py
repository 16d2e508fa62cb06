"""Transaction validation and charging (spec 1.2, 3.1): nearcore verifier.rs
``validate_transaction`` + ``verify_and_charge_tx_ephemeral``.  CPython only."""

from __future__ import annotations

from ._actions import storage_stake_shortfall
from ._fees import ActionsValidationError, tx_cost, validate_actions
from ._outcomes import InvalidTransaction
from ._state import Transaction, evolve
from ._types import AccessKey, FunctionCall


def verify_transaction(state, config, tx: Transaction, height: int, charge: bool):
    """verifier.rs ``validate_transaction`` + ``verify_and_charge_tx_ephemeral``
    (spec 1.2, 3.1): actions, key, nonce, function-call key rules, balance, storage stake.
    Raises InvalidTransaction.  With ``charge``, debits the signer and updates the key."""
    st, cfg = state, config
    try:
        validate_actions(cfg, tx.actions)
    except ActionsValidationError as e:
        raise InvalidTransaction("ActionsValidation", f"{e.kind}: {e.message}") from None
    signer = st.accounts.get(tx.signer_id)
    if signer is None:
        raise InvalidTransaction("SignerDoesNotExist",
                                 f"Signer {tx.signer_id} does not exist")
    key = signer.keys.get(tx.public_key)
    if key is None:
        raise InvalidTransaction("InvalidAccessKeyError",
                                 f"Signer {tx.signer_id} has no access key "
                                 f"{tx.public_key.hex()}")
    if tx.nonce <= key.nonce:
        raise InvalidTransaction("InvalidNonce", f"Transaction nonce {tx.nonce} must be "
                                 f"larger than nonce of the used access key {key.nonce}")
    if tx.nonce >= height * 1_000_000:
        raise InvalidTransaction("NonceTooLarge", f"Transaction nonce {tx.nonce} must be "
                                 f"smaller than {height * 1_000_000}")
    cost = tx_cost(cfg, tx.signer_id, tx.receiver_id, tx.actions)
    if not key.full_access:
        check_function_call_key(tx, key, cost.total_cost)
    if signer.amount < cost.total_cost:
        raise InvalidTransaction("NotEnoughBalance",
                                 f"Sender {tx.signer_id} does not have enough balance "
                                 f"{signer.amount} for operation costing {cost.total_cost}")
    charged = signer.clone()
    charged.amount -= cost.total_cost
    lack = storage_stake_shortfall(charged)
    if lack:
        raise InvalidTransaction("LackBalanceForState",
                                 f"Failed to execute, because the account {tx.signer_id} "
                                 f"wouldn't have enough balance to cover storage, required "
                                 f"to have {lack} yoctoNEAR more")
    if charge:
        new_key = evolve(key, nonce=tx.nonce)
        if not key.full_access and key.allowance is not None:
            new_key = evolve(new_key, allowance=key.allowance - cost.total_cost)
        charged.keys = {**charged.keys, tx.public_key: new_key}
        st.accounts[tx.signer_id] = charged
    return cost

def check_function_call_key(tx: Transaction, key: AccessKey, total_cost: int) -> None:
    """spec 1.2: what a function-call access key may sign."""
    if key.allowance is not None and key.allowance < total_cost:
        raise InvalidTransaction("NotEnoughAllowance",
                                 f"Access key allowance {key.allowance} is not enough "
                                 f"for a transaction costing {total_cost}")
    if len(tx.actions) != 1 or not isinstance(tx.actions[0], FunctionCall):
        raise InvalidTransaction("RequiresFullAccess",
                                 "The transaction contains more than one action or a "
                                 "non-FunctionCall action; it requires a full access key")
    call = tx.actions[0]
    if call.deposit > 0:
        raise InvalidTransaction("DepositWithFunctionCall",
                                 "Having a deposit with a function call action is not "
                                 "allowed with a function call access key")
    if tx.receiver_id != key.receiver_id:
        raise InvalidTransaction("ReceiverMismatch",
                                 f"Transaction receiver_id {tx.receiver_id} doesn't match "
                                 f"the access key receiver_id {key.receiver_id}")
    if key.method_names and call.method_name not in key.method_names:
        raise InvalidTransaction("MethodNameMismatch",
                                 f"Transaction method name {call.method_name} isn't "
                                 "allowed by the access key")
