"""Borsh decoding of nearcore's ``SignedTransaction`` (what ``send_tx`` carries, base64).

nearcore core/primitives/src/transaction.rs: ``SignedTransaction {transaction, signature}``;
``Transaction`` V0 = ``{signer_id, public_key, nonce, receiver_id, block_hash, actions}`` (V1
starts with a 1 byte and adds nonce lanes for gas keys: refused here).  core/primitives/src/
action/mod.rs: ``Action`` variants 0 CreateAccount .. 7 DeleteAccount and 8 Delegate (the
global-contract and later actions are refused).  core/primitives/src/action/delegate.rs:
``SignedDelegateAction {delegate_action: DelegateAction {sender_id, receiver_id, actions:
Vec<NonDelegateAction>, nonce, max_block_height, public_key}, signature}``, where a
NonDelegateAction is an Action other than Delegate ("DelegateAction mustn't contain a nested
one").  core/crypto: ``PublicKey`` / ``Signature`` = key type byte (0 ed25519) + 32 / 64
bytes.  The encoder these mirror is
near_safe/testing/_transactions.py (whose hash is nearcore's transaction hash); a decoded
transaction re-encodes to the same bytes, which :func:`decode_signed_transaction` checks.
"""

from __future__ import annotations

from near_safe.testing import (AccessKey, AddKey, CreateAccount, DelegateAction, DeleteAccount,
                               DeleteKey, DeployContract, FunctionCall, SignedDelegateAction,
                               Stake, Transfer)
from near_safe.testing import UnsignedTransaction

ACTION_NAMES = ("CreateAccount", "DeployContract", "FunctionCall", "Transfer", "Stake",
                "AddKey", "DeleteKey", "DeleteAccount", "Delegate", "DeployGlobalContract",
                "UseGlobalContract", "DeterministicStateInit")


class BorshError(ValueError):
    """The bytes are not a SignedTransaction this node can take (the message says why)."""


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise BorshError(f"Unexpected length of input (needed {n} bytes at offset "
                             f"{self.pos}, {len(self.data) - self.pos} left)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self) -> int:
        return self.take(1)[0]

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "little")

    def u64(self) -> int:
        return int.from_bytes(self.take(8), "little")

    def u128(self) -> int:
        return int.from_bytes(self.take(16), "little")

    def blob(self) -> bytes:
        return self.take(self.u32())

    def string(self) -> str:
        raw = self.blob()
        try:
            return raw.decode()
        except UnicodeDecodeError:
            raise BorshError(f"invalid UTF-8 in a string at offset {self.pos}") from None

    def public_key(self) -> bytes:
        kind = self.u8()
        if kind == 0:
            return b"\x00" + self.take(32)
        if kind == 1:
            raise BorshError("secp256k1 keys are not supported by this node (use ed25519)")
        raise BorshError(f"invalid public key type {kind}")

    def option(self, read):
        tag = self.u8()
        if tag == 0:
            return None
        if tag == 1:
            return read()
        raise BorshError(f"invalid Option tag {tag}")


def _access_key(r: _Reader) -> AccessKey:
    nonce = r.u64()
    permission = r.u8()
    if permission == 1:
        return AccessKey(nonce=nonce)
    if permission != 0:
        raise BorshError(f"access key permission {permission} is not supported (0 "
                         "FunctionCall, 1 FullAccess; gas keys are not)")
    allowance = r.option(r.u128)
    receiver_id = r.string()
    methods = [r.string() for _ in range(r.u32())]
    return AccessKey(nonce=nonce, allowance=allowance, receiver_id=receiver_id,
                     method_names=methods)


def _action(r: _Reader, nested: bool = False):
    tag = r.u8()
    if tag == 0:
        return CreateAccount()
    if tag == 1:
        return DeployContract(code=r.blob())
    if tag == 2:
        method = r.string()
        args = r.blob()
        gas = r.u64()
        return FunctionCall(method_name=method, args=args, gas=gas, deposit=r.u128())
    if tag == 3:
        return Transfer(deposit=r.u128())
    if tag == 4:
        stake = r.u128()
        return Stake(stake=stake, public_key=r.public_key())
    if tag == 5:
        pk = r.public_key()
        return AddKey(public_key=pk, access_key=_access_key(r))
    if tag == 6:
        return DeleteKey(public_key=r.public_key())
    if tag == 7:
        return DeleteAccount(beneficiary_id=r.string())
    if tag == 8:
        if nested:
            raise BorshError("DelegateAction mustn't contain a nested one")
        return _signed_delegate(r)
    name = ACTION_NAMES[tag] if tag < len(ACTION_NAMES) else f"variant {tag}"
    raise BorshError(f"the {name} action is not supported by this node")


def _signed_delegate(r: _Reader) -> SignedDelegateAction:
    sender_id = r.string()
    receiver_id = r.string()
    actions = [_action(r, nested=True) for _ in range(r.u32())]
    nonce = r.u64()
    max_block_height = r.u64()
    public_key = r.public_key()
    return SignedDelegateAction(DelegateAction(sender_id, receiver_id, actions, nonce,
                                               max_block_height, public_key), _signature(r))


def _signature(r: _Reader) -> bytes:
    sig_type = r.u8()
    if sig_type != 0:
        raise BorshError(f"signature type {sig_type} is not supported (ed25519 is 0)")
    return r.take(64)


def decode_signed_transaction(data: bytes):
    """``(UnsignedTransaction, signature 64 bytes)`` from borsh ``SignedTransaction`` bytes.
    Raises :class:`BorshError` (nearcore: "Failed to decode transaction: ...")."""
    r = _Reader(bytes(data))
    if r.data[:1] == b"\x01":
        raise BorshError("TransactionV1 (gas-key nonces) is not supported by this node")
    signer_id = r.string()
    public_key = r.public_key()
    nonce = r.u64()
    receiver_id = r.string()
    block_hash = r.take(32)
    actions = tuple(_action(r) for _ in range(r.u32()))
    end_of_tx = r.pos
    signature = _signature(r)
    if r.pos != len(r.data):
        raise BorshError(f"Not all bytes read ({len(r.data) - r.pos} trailing bytes)")
    tx = UnsignedTransaction(signer_id, public_key, nonce, receiver_id, block_hash, actions)
    if tx.borsh() != r.data[:end_of_tx]:  # the hash the signature covers is of these bytes
        raise BorshError("the transaction does not re-encode to the bytes sent")
    return tx, signature
