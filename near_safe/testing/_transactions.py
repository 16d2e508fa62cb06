"""Transaction validation and charging (docs/protocol.md 1.2, 3.1): nearcore verifier.rs
``validate_transaction`` + ``verify_and_charge_tx_ephemeral``; and signed transactions: the
borsh encoding nearcore hashes, and the ed25519 signature check.  CPython only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..errors import RuntimeSimError
from ._actions import storage_stake_shortfall
from ._fees import ActionsValidationError, tx_cost, validate_actions
from ._outcomes import InvalidTransaction
from ._state import Transaction, evolve
from ._types import (AccessKey, AddKey, CreateAccount, DeleteAccount, DeleteKey,
                     DelegateAction, DeployContract, FunctionCall, SignedDelegateAction, Stake,
                     Transfer)

# --- signed transactions -----------------------------------------------------------------
# nearcore core/primitives transaction.rs: a signature is ed25519 over sha256(borsh(
# TransactionV0 {signer_id, public_key, nonce, receiver_id, block_hash, actions})), which is
# also the transaction's hash.  Checked against py-near's nearcore types in the tests.


def _u32(n: int) -> bytes:
    return n.to_bytes(4, "little")


def _str(s: str) -> bytes:
    b = s.encode()
    return _u32(len(b)) + b


def _blob(b: bytes) -> bytes:
    return _u32(len(b)) + bytes(b)


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "little")


def _u128(n: int) -> bytes:
    return n.to_bytes(16, "little")


def _access_key(key: AccessKey) -> bytes:
    out = _u64(key.nonce)
    if key.full_access:
        return out + b"\x01"
    allowance = b"\x00" if key.allowance is None else b"\x01" + _u128(key.allowance)
    names = key.method_names or []
    return (out + b"\x00" + allowance + _str(key.receiver_id)
            + _u32(len(names)) + b"".join(_str(m) for m in names))


def borsh_action(action) -> bytes:
    """nearcore ``Action`` (borsh enum, variant index first)."""
    if isinstance(action, CreateAccount):
        return b"\x00"
    if isinstance(action, DeployContract):
        return b"\x01" + _blob(action.code)
    if isinstance(action, FunctionCall):
        return (b"\x02" + _str(action.method_name) + _blob(action.args) + _u64(action.gas)
                + _u128(action.deposit))
    if isinstance(action, Transfer):
        return b"\x03" + _u128(action.deposit)
    if isinstance(action, Stake):
        return b"\x04" + _u128(action.stake) + action.public_key
    if isinstance(action, AddKey):
        return b"\x05" + action.public_key + _access_key(action.access_key)
    if isinstance(action, DeleteKey):
        return b"\x06" + action.public_key
    if isinstance(action, DeleteAccount):
        return b"\x07" + _str(action.beneficiary_id)
    if isinstance(action, SignedDelegateAction):
        return b"\x08" + borsh_delegate_action(action.delegate_action) + _signature(
            action.signature)
    raise RuntimeSimError(f"cannot sign a transaction with a {type(action).__name__} action: "
                          "submit it unsigned (rt.submit_transaction)")


# --- delegate actions (NEP-366) -----------------------------------------------------------
# nearcore core/primitives/src/action/delegate.rs: DelegateAction {sender_id, receiver_id,
# actions: Vec<NonDelegateAction> (an Action that is not a Delegate, same borsh), nonce,
# max_block_height, public_key}; SignedDelegateAction {delegate_action, signature}.  The
# sender signs ``get_nep461_hash``: sha256(borsh(SignableMessage {discriminant, msg})) with
# core/primitives/src/signable_message.rs's on-chain discriminant for NEP-366, 2^30 + 366
# (u32 little-endian) before the borsh DelegateAction.

NEP_366_DISCRIMINANT = (1 << 30) + 366


def borsh_delegate_action(da: DelegateAction) -> bytes:
    for inner in da.actions:
        if isinstance(inner, SignedDelegateAction):
            raise RuntimeSimError("a DelegateAction cannot contain another one (nearcore "
                                  "NonDelegateAction): put the inner actions in it directly")
    return (_str(da.sender_id) + _str(da.receiver_id) + _u32(len(da.actions))
            + b"".join(borsh_action(a) for a in da.actions) + _u64(da.nonce)
            + _u64(da.max_block_height) + bytes(da.public_key))


def _signature(signature: bytes) -> bytes:
    return b"\x00" + bytes(signature)  # borsh Signature: key type 0 (ed25519) + 64 bytes


def delegate_action_hash(da: DelegateAction) -> bytes:
    """DelegateAction ``get_nep461_hash``: what the sender signs."""
    return hashlib.sha256(_u32(NEP_366_DISCRIMINANT) + borsh_delegate_action(da)).digest()


def delegate_signature_valid(sda: SignedDelegateAction) -> bool:
    """SignedDelegateAction ``verify``: the signature over the NEP-461 hash checks against the
    delegate action's own public key (an ed25519 key; any other kind does not verify here)."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    da = sda.delegate_action
    pk = bytes(da.public_key)
    if len(pk) != 33 or pk[0] != 0:
        return False
    try:
        VerifyKey(pk[1:]).verify(delegate_action_hash(da), bytes(sda.signature))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


def block_hash(height: int) -> bytes:
    """The simulator's hash of block ``height`` (it keeps no real block headers)."""
    return hashlib.sha256(b"near_safe block\0" + _u64(height)).digest()


@dataclass(frozen=True)
class UnsignedTransaction:
    """A transaction for a key holder to sign (:meth:`Runtime.prepare_transaction`): sign
    ``hash`` (32 bytes) with the ed25519 key whose borsh public key is ``public_key`` and pass
    the 64-byte signature to :meth:`Runtime.submit_signed`."""

    signer_id: str
    public_key: bytes  # borsh PublicKey: key type 0 (ed25519) + 32 bytes
    nonce: int
    receiver_id: str
    block_hash: bytes
    actions: tuple

    def borsh(self) -> bytes:
        return (_str(self.signer_id) + self.public_key + _u64(self.nonce)
                + _str(self.receiver_id) + self.block_hash + _u32(len(self.actions))
                + b"".join(borsh_action(a) for a in self.actions))

    @property
    def hash(self) -> bytes:
        """nearcore's transaction hash: what the signature signs."""
        return hashlib.sha256(self.borsh()).digest()


def check_signature(tx: UnsignedTransaction, signature: bytes) -> None:
    """verifier.rs ``validate_transaction``'s first check: the signature verifies against the
    transaction's own public key (whether that key may sign for the account comes after,
    AccessKeyNotFound).  Raises InvalidTransaction("InvalidSignature")."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    if len(tx.public_key) != 33 or tx.public_key[0] != 0:
        raise RuntimeSimError("signed transactions here use ed25519 keys (borsh: key type 0 + "
                              f"32 bytes), not a {len(tx.public_key)}-byte key")
    try:
        VerifyKey(tx.public_key[1:]).verify(tx.hash, bytes(signature))
    except (BadSignatureError, ValueError, TypeError):
        raise InvalidTransaction("InvalidSignature",
                                 "Transaction is not signed with the given public key") from None


def public_key_text(public_key: bytes) -> str:
    """``ed25519:<base58>`` (how nearcore prints a public key)."""
    from ._state import base58

    return "ed25519:" + base58(public_key[1:])


ED25519_SIGNATURE_BORSH = 65  # borsh Signature: key type 0 + 64 bytes


def transaction_size(tx: Transaction) -> int:
    """nearcore ``SignedTransaction::get_size``: the borsh length of the signed transaction
    (TransactionV0, its 32-byte block hash included, then an ed25519 signature)."""
    unsigned = UnsignedTransaction(tx.signer_id, tx.public_key, tx.nonce, tx.receiver_id,
                                   bytes(32), tuple(tx.actions))
    return len(unsigned.borsh()) + ED25519_SIGNATURE_BORSH


def verify_transaction(state, config, tx: Transaction, height: int, charge: bool):
    """verifier.rs ``validate_transaction`` + ``verify_and_charge_tx_ephemeral``
    (docs/protocol.md 1.2, 3.1): size (after the signature, checked by the caller), actions, key,
    nonce, function-call key rules, balance, storage stake.  Raises InvalidTransaction.  With
    ``charge``, debits the signer and updates the key."""
    st, cfg = state, config
    size, limit = transaction_size(tx), cfg.limits["max_transaction_size"]
    if size > limit:  # InvalidTxError::TransactionSizeExceeded {size, limit}
        raise InvalidTransaction("TransactionSizeExceeded", f"Size of serialized transaction "
                                 f"{size} exceeded the limit {limit}")
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
        # nearcore InvalidAccessKeyError::AccessKeyNotFound {account_id, public_key}
        raise InvalidTransaction("InvalidAccessKeyError",
                                 f"AccessKeyNotFound: Signer \"{tx.signer_id}\" doesn't have "
                                 "access key with the given public_key "
                                 f"{public_key_text(tx.public_key)}")
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
    """docs/protocol.md 1.2: what a function-call access key may sign."""
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
