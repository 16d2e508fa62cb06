"""NEAR host functions (module ``env``) in Python: docs/protocol.md 2.

One :class:`VMLogic` per function call, like nearcore's ``VMLogic``
(``runtime/near-vm-runner/src/logic/logic.rs``).  Each host function is a method named exactly
like its Wasm import, taking and returning the import's integers; it charges gas in nearcore's
order (docs/protocol.md 2.0-2.9) through the :class:`~near_safe.testing.vm.gas.GasCounter`
(docs/protocol.md 2.10). An abort raises :class:`VMLogicError` holding a :class:`FunctionCallError`.

The same class serves Wasm mode (memory = the instance's linear memory) and CPython mode
(memory = a scratch :class:`BytesMemory`).
"""

from __future__ import annotations

import hashlib
import operator
import re

from .._trie import Chunk, Storage, data_nodes, data_trie
from .._types import (
    AccessKey,
    AddKey,
    CreateAccount,
    DeleteAccount,
    DeleteKey,
    DeployContract,
    FunctionCall,
    FunctionCallError,
    NewReceipt,
    Stake,
    Transfer,
    VMContext,
    VMOutcome,
    YieldResume,
)
from ..params import Config
from .gas import U64_MAX, GasCounter, GasError, IntegerOverflow
from .weights import distribute_gas

U128_MAX = 2**128 - 1

# ------------------------------------------------------------------------------------- errors

# nearcore errors.rs Display strings (docs/protocol.md 2.0 error model)
_MESSAGES = {
    "IntegerOverflow": "Integer overflow.",
    "InvalidPromiseIndex": "{promise_idx} does not correspond to existing promises",
    "CannotAppendActionToJointPromise": "Actions can only be appended to non-joint promise.",
    "CannotReturnJointPromise": "Returning joint promise is currently prohibited.",
    "CannotSetRefundToOnJointPromise": "Cannot set refund_to on a joint promise.",
    "InvalidPromiseResultIndex": "Accessed invalid promise result index: {result_idx}",
    "InvalidRegisterId": "Accessed invalid register id: {register_id}",
    "MemoryAccessViolation": "Accessed memory outside the bounds.",
    "InvalidAccountId": "VM Logic returned an invalid account id",
    "InvalidMethodName": "VM Logic returned an invalid method name",
    "InvalidPublicKey": "VM Logic provided an invalid public key",
    "ProhibitedInView": "{method_name} is not allowed in view calls",
    "NumberOfLogsExceeded": "The number of logs will exceed the limit {limit}",
    "KeyLengthExceeded": "The length of a storage key {length} exceeds the limit {limit}",
    "ValueLengthExceeded": "The length of a storage value {length} exceeds the limit {limit}",
    "TotalLogLengthExceeded": "The length of a log message {length} exceeds the limit {limit}",
    "NumberPromisesExceeded": "The number of promises within a FunctionCall {number_of_promises}"
                              " exceeds the limit {limit}",
    "NumberInputDataDependenciesExceeded": "The number of input data dependencies "
                                           "{number_of_input_data_dependencies} exceeds the limit "
                                           "{limit}",
    "ReturnedValueLengthExceeded": "The length of a returned value {length} exceeds the limit "
                                   "{limit}",
    "ContractSizeExceeded": "The size of a contract code in DeployContract action {size} exceeds"
                            " the limit {limit}",
    "Deprecated": "Attempted to call deprecated host function {method_name}",
    "BadUTF8": "String encoding is bad UTF-8 sequence.",
    "BadUTF16": "String encoding is bad UTF-16 sequence.",
    "BalanceExceeded": "Exceeded the account balance.",
    "EmptyMethodName": "Tried to call an empty method name.",
    "Ed25519VerifyInvalidInput": "ED25519 signature verification error: {msg}",
    "ECRecoverError": "ECDSA recover error: {msg}",
    "YieldPayloadLength": "Yield resumption payload length {length} exceeds the limit {limit}",
    "DataIdMalformed": "Yield resumption data id is malformed",
    "YieldIdMalformed": "Yield id is malformed",
    "UnsupportedHostFunction": "Host function {method_name} is not supported by near_safe's "
                               "embedded runtime",
    "GasExceeded": "Exceeded the prepaid gas.",
    "GasLimitExceeded": "Exceeded the maximum amount of gas allowed to burn per contract.",
}


class VMLogicError(Exception):
    """A host function aborted the call; ``error`` is the :class:`FunctionCallError`."""

    def __init__(self, error: FunctionCallError):
        super().__init__(error.message)
        self.error = error


def host_error(detail: str, **data) -> VMLogicError:
    """``HostError::<detail>{data}`` as a VMLogicError (kind 'HostError', or 'GasExceeded' /
    'GasLimitExceeded' / 'GuestPanic' for those variants, as _types.FunctionCallError says)."""
    if detail == "GuestPanic":
        return VMLogicError(FunctionCallError(
            "GuestPanic", "Smart contract panicked: " + data["panic_msg"], "GuestPanic", data))
    msg = _MESSAGES[detail].format(**data)
    kind = detail if detail in ("GasExceeded", "GasLimitExceeded") else "HostError"
    return VMLogicError(FunctionCallError(kind, msg, detail, data or None))


class MemoryOutOfBounds(Exception):
    """Raised by a memory object when a guest access is out of bounds."""


class BytesMemory:
    """Guest memory backed by a bytearray (CPython mode, tests)."""

    def __init__(self, size: int = 1 << 16):
        self.data = bytearray(size)

    def read(self, ptr: int, n: int) -> bytes:
        if ptr < 0 or n < 0 or ptr + n > len(self.data):
            raise MemoryOutOfBounds()
        return bytes(self.data[ptr:ptr + n])

    def write(self, ptr: int, data: bytes) -> None:
        if ptr < 0 or ptr + len(data) > len(self.data):
            raise MemoryOutOfBounds()
        self.data[ptr:ptr + len(data)] = data


# NEAR account id rules (near-account-id crate): 2..64 chars, parts of [a-z0-9] joined by
# single '-' or '_', parts separated by '.'.
# (fullmatch, not match with "$": "$" also matches before a trailing newline)
_ACCOUNT_ID_RE = re.compile(r"(([a-z\d]+[\-_])*[a-z\d]+\.)*([a-z\d]+[\-_])*[a-z\d]+")


def is_valid_account_id(account_id: str) -> bool:
    return 2 <= len(account_id) <= 64 and bool(_ACCOUNT_ID_RE.fullmatch(account_id))


def _account_type(account_id: str) -> str:
    """'near-implicit' (64 hex), 'eth-implicit' (0x + 40 hex) or 'named' (docs/protocol.md 2.7
    transfer)."""
    if len(account_id) == 64 and all(c in "0123456789abcdef" for c in account_id):
        return "near-implicit"
    if (len(account_id) == 42 and account_id.startswith("0x")
            and all(c in "0123456789abcdef" for c in account_id[2:])):
        return "eth-implicit"
    return "named"


def _decode_public_key(raw: bytes) -> bytes:
    """Borsh PublicKey: 0 + 32 bytes (ed25519) or 1 + 64 bytes (secp256k1)."""
    if (len(raw) == 33 and raw[0] == 0) or (len(raw) == 65 and raw[0] == 1):
        return bytes(raw)
    raise host_error("InvalidPublicKey")


def _ripemd160(data: bytes) -> bytes:
    try:
        return hashlib.new("ripemd160", data).digest()
    except ValueError:  # OpenSSL 3 without the legacy provider
        from ._ripemd160 import ripemd160
        return ripemd160(data)


# ------------------------------------------------------------------------------------- VMLogic


class VMLogic:
    """Host-function state of one function call (docs/protocol.md 2).

    ``storage``: the contract's committed state ``{bytes: bytes}``; never mutated - a copy is
    made on the first write, and returned in ``VMOutcome.storage``.
    ``ext``: runtime callbacks ``new_data_id() -> bytes`` (32 bytes, unique, deterministic) and
    ``yield_is_pending(account_id, data_id) -> bool``; optionally (protocol 85+, yields with a
    caller-chosen id) ``yield_data_id(account_id, yield_id) -> bytes | None``: the data id of the
    account's pending yield created with that id.
    ``memory``: ``read(ptr, n) -> bytes`` / ``write(ptr, data)``, raising MemoryOutOfBounds.
    """

    def __init__(self, context: VMContext, storage: dict, ext, config: Config, memory):
        self.context = context
        self.ext = ext
        self.config = config
        self.memory = memory
        self.ext_costs = c = config.ext_costs
        self.fees = config.action_fees
        self.limits = config.limits
        self.is_view = context.is_view
        max_burnt = self.limits["max_gas_burnt_view" if context.is_view else "max_gas_burnt"]
        self.gas_counter = GasCounter(context.prepaid_gas, max_burnt, context.is_view)
        self._base = c["base"]
        self._storage = self._storage_in = storage
        self._storage_copied = False
        # trie-node accounting (docs/protocol.md 5.4, testing/_trie.py): this chunk's cache and
        # the account's entry in it (read at the first storage access that needs them), and the
        # keys this call wrote or removed
        self._chunk = None
        self._trie = None
        self._trie_dirty: set = set()
        self.registers: dict = {}
        self._registers_memory = 0
        self.logs: list = []
        self.total_log_length = 0
        self.return_data: tuple | None = None
        self.balance = context.account_balance + context.attached_deposit
        self.storage_usage_now = context.storage_usage
        self.receipts: list = []  # NewReceipt, index = receipt index
        self.promises: list = []  # ('r', receipt_idx) | ('and', [receipt_idx...])
        self.weighted: list = []  # (FunctionCall, weight) registered for distribution
        self.yield_resumes: list = []
        self.yield_ids: set = set()
        self.yield_id_map: dict = {}  # yield id -> data id, yields created with an id here
        self._distributed = False
        self._distributed_gas = 0

    # ------------------------------------------------------------------ internal helpers

    def _pay_base(self):
        self.gas_counter.pay_base("base", self._base)

    def _view_check(self, name: str):
        if self.is_view:
            raise host_error("ProhibitedInView", method_name=name)

    def mem_read(self, ptr: int, n: int) -> bytes:
        """memory.view: read_memory_base + byte*n, then the bounds check (vmstate.rs)."""
        c = self.ext_costs
        self.gas_counter.pay_base("read_memory_base", c["read_memory_base"])
        self.gas_counter.pay_per("read_memory_byte", c["read_memory_byte"], n)
        try:
            return self.memory.read(ptr, n)
        except MemoryOutOfBounds:
            raise host_error("MemoryAccessViolation") from None

    def mem_write(self, ptr: int, data: bytes) -> None:
        c = self.ext_costs
        self.gas_counter.pay_base("write_memory_base", c["write_memory_base"])
        self.gas_counter.pay_per("write_memory_byte", c["write_memory_byte"], len(data))
        try:
            self.memory.write(ptr, data)
        except MemoryOutOfBounds:
            raise host_error("MemoryAccessViolation") from None

    def _get_u128(self, ptr: int) -> int:
        return int.from_bytes(self.mem_read(ptr, 16), "little")

    def _set_u128(self, ptr: int, v: int) -> None:
        self.mem_write(ptr, v.to_bytes(16, "little"))

    def _register_get(self, register_id: int) -> bytes:
        data = self.registers.get(register_id)
        if data is None:
            raise host_error("InvalidRegisterId", register_id=register_id)
        c = self.ext_costs
        self.gas_counter.pay_base("read_register_base", c["read_register_base"])
        self.gas_counter.pay_per("read_register_byte", c["read_register_byte"], len(data))
        return data

    def _register_set(self, register_id: int, data: bytes, charge_bytes: bool = True) -> None:
        """Registers::set (docs/protocol.md 2.0): charge, then the size/count/memory limits."""
        c = self.ext_costs
        self.gas_counter.pay_base("write_register_base", c["write_register_base"])
        if charge_bytes:
            self.gas_counter.pay_per("write_register_byte", c["write_register_byte"], len(data))
        lim = self.limits
        n = len(data)
        if n > lim["max_register_size"]:
            raise host_error("MemoryAccessViolation")
        # protocol bug kept for compatibility: fails at the limit even when replacing
        if len(self.registers) >= lim["max_number_registers"]:
            raise host_error("MemoryAccessViolation")
        prev = self.registers.get(register_id)
        total = self._registers_memory + n + 8 - (len(prev) + 8 if prev is not None else 0)
        if total > lim["registers_memory_limit"]:
            raise host_error("MemoryAccessViolation")
        self._registers_memory = total
        self.registers[register_id] = bytes(data)

    def _set_rc_data(self, register_id: int, data: bytes) -> None:
        """``input`` / ``promise_result``: per-byte cost only before protocol 82
        (docs/protocol.md 2.0)."""
        self._register_set(register_id, data,
                           charge_bytes=not self.config.feature("deterministic_account_ids"))

    def get_vec(self, ptr: int, n: int) -> bytes:
        """get_memory_or_register (docs/protocol.md 2.0): ``n == u64::MAX`` reads register
        ``ptr``."""
        if n == U64_MAX:
            return self._register_get(ptr)
        return self.mem_read(ptr, n)

    def _read_account_id(self, ptr: int, n: int) -> str:
        buf = self.get_vec(ptr, n)
        c = self.ext_costs
        self.gas_counter.pay_base("utf8_decoding_base", c["utf8_decoding_base"])
        self.gas_counter.pay_per("utf8_decoding_byte", c["utf8_decoding_byte"], len(buf))
        try:
            account_id = buf.decode("utf-8")
        except UnicodeDecodeError:
            raise host_error("BadUTF8") from None
        if not is_valid_account_id(account_id):
            raise host_error("InvalidAccountId")
        return account_id

    # _get_utf8_string and _get_utf16_string (and the storage_* host functions below) look
    # alike but are kept apart on purpose: each follows its own logic.rs function's order of
    # charges and checks (cost names, NUL handling, odd lengths, when the key limit is checked),
    # and a shared helper would hide exactly the differences these functions exist to copy.
    def _get_utf8_string(self, n: int, ptr: int) -> str:
        c = self.ext_costs
        self.gas_counter.pay_base("utf8_decoding_base", c["utf8_decoding_base"])
        max_len = max(0, self.limits["max_total_log_length"] - self.total_log_length)
        if n != U64_MAX:
            if n > max_len:
                raise self._log_len_exceeded(n)
            buf = self.mem_read(ptr, n)
        else:  # NUL-terminated: byte by byte, each read charged (logic.rs)
            out = bytearray()
            i = 0
            while True:
                b = self.mem_read(ptr + i, 1)[0]
                if b == 0:
                    break
                if i == max_len:
                    raise self._log_len_exceeded(max_len + 1)
                out.append(b)
                i += 1
            buf = bytes(out)
        self.gas_counter.pay_per("utf8_decoding_byte", c["utf8_decoding_byte"], len(buf))
        try:
            return buf.decode("utf-8")
        except UnicodeDecodeError:
            raise host_error("BadUTF8") from None

    def _get_utf16_string(self, n: int, ptr: int) -> str:
        c = self.ext_costs
        self.gas_counter.pay_base("utf16_decoding_base", c["utf16_decoding_base"])
        max_len = max(0, self.limits["max_total_log_length"] - self.total_log_length)
        if n != U64_MAX:
            if n > max_len:
                raise self._log_len_exceeded(n)
            buf = self.mem_read(ptr, n)
            if n % 2:
                raise host_error("BadUTF16")
        else:  # terminated by 0x0000
            out = bytearray()
            i = 0
            while True:
                u = self.mem_read(ptr + i, 2)
                if u == b"\0\0":
                    break
                if i >= max_len:
                    raise self._log_len_exceeded(max_len + 1)
                out += u
                i += 2
            buf = bytes(out)
        self.gas_counter.pay_per("utf16_decoding_byte", c["utf16_decoding_byte"], len(buf))
        try:
            return buf.decode("utf-16-le")
        except UnicodeDecodeError:
            raise host_error("BadUTF16") from None

    def _log_len_exceeded(self, add_len: int) -> VMLogicError:
        return host_error("TotalLogLengthExceeded", length=self.total_log_length + add_len,
                          limit=self.limits["max_total_log_length"])

    def _check_can_add_log(self):
        limit = self.limits["max_number_logs"]
        if len(self.logs) >= limit:
            raise host_error("NumberOfLogsExceeded", limit=limit)

    def _log(self, message: str, logged: str | None = None):
        """log_base, log_byte per byte of ``message``, then the log entry (``logged``, default
        the message: abort stores "ABORT: " + message but pays for the message)."""
        c = self.ext_costs
        self.gas_counter.pay_base("log_base", c["log_base"])
        self.gas_counter.pay_per("log_byte", c["log_byte"], len(message.encode()))
        self._push_log(message if logged is None else logged)

    def _push_log(self, message: str):
        self.total_log_length += len(message.encode())
        if self.total_log_length > self.limits["max_total_log_length"]:
            raise host_error("TotalLogLengthExceeded", length=self.total_log_length,
                             limit=self.limits["max_total_log_length"])
        self.logs.append(message)

    def _storage_for_write(self) -> dict:
        if not self._storage_copied:
            self._storage = Storage(self._storage)
            self._storage_copied = True
        return self._storage

    def _deduct_balance(self, amount: int):
        if amount > self.balance:
            raise host_error("BalanceExceeded")
        self.balance -= amount

    # action fees (docs/protocol.md 2.7 "Fee helpers")
    def _pay_action_base(self, name: str, sir: bool):
        f = self.fees[name]
        burn = f.send(sir)
        self.gas_counter.pay_action(name, burn, burn + f.execution)

    def _pay_action_per_byte(self, name: str, n: int, sir: bool):
        f = self.fees[name]
        burn = f.send(sir) * n
        self.gas_counter.pay_action(name, burn, burn + f.execution * n)

    def _pay_gas_for_new_receipt(self, sir: bool, deps: list):
        arc = self.fees["action_receipt_creation"]
        drc = self.fees["data_receipt_creation_base"]
        burn = arc.send(sir)
        for dep_sir in deps:
            burn += drc.send(dep_sir) + drc.execution
        self.gas_counter.pay_action("action_receipt_creation", burn, burn + arc.execution)

    def _checked_push_promise(self, promise: tuple) -> int:
        idx = len(self.promises)
        self.promises.append(promise)
        limit = self.limits["max_promises_per_function_call_action"]
        if len(self.promises) > limit:
            raise host_error("NumberPromisesExceeded", number_of_promises=len(self.promises),
                             limit=limit)
        return idx

    def _promise(self, promise_idx: int) -> tuple:
        if promise_idx >= len(self.promises):
            raise host_error("InvalidPromiseIndex", promise_idx=promise_idx)
        return self.promises[promise_idx]

    def _receipt_with_sir(self, promise_idx: int):
        p = self._promise(promise_idx)
        if p[0] != "r":
            raise host_error("CannotAppendActionToJointPromise")
        receipt = self.receipts[p[1]]
        return receipt, receipt.receiver_id == self.context.current_account_id

    def _new_receipt(self, receiver_id: str, deps: list) -> int:
        self.receipts.append(NewReceipt(receiver_id=receiver_id, input_receipt_indices=deps))
        return len(self.receipts) - 1

    def _get_public_key(self, ptr: int, n: int) -> bytes:
        return self.get_vec(ptr, n)

    # ==================================================================== 2.1 registers

    def read_register(self, register_id, ptr):
        self._pay_base()
        self.mem_write(ptr, self._register_get(register_id))

    def register_len(self, register_id):
        self._pay_base()
        data = self.registers.get(register_id)
        return U64_MAX if data is None else len(data)

    def write_register(self, register_id, data_len, data_ptr):
        self._pay_base()
        self._register_set(register_id, self.mem_read(data_ptr, data_len))

    # ============================================================ 2.2 context, 2.3 economics
    # Host functions that read one VMContext field are made from the table _CONTEXT_READS
    # (below the class): base cost, the view check for the fields a view may not read, then
    # the value (to a register, as a u64 result, or as a u128 in memory).

    def input(self, register_id):
        self._pay_base()
        self._set_rc_data(register_id, self.context.input)

    def storage_usage(self):
        self._pay_base()
        return self.storage_usage_now

    def account_balance(self, balance_ptr):
        self._pay_base()
        self._set_u128(balance_ptr, self.balance)

    def used_gas(self):
        self._pay_base()
        self._view_check("used_gas")
        return self.gas_counter.used_gas

    # ==================================================================== 2.4 math

    def _hash(self, name: str, value_len, value_ptr, register_id, fn):
        c = self.ext_costs
        self.gas_counter.pay_base(name + "_base", c[name + "_base"])
        value = self.get_vec(value_ptr, value_len)
        self.gas_counter.pay_per(name + "_byte", c[name + "_byte"], len(value))
        self._register_set(register_id, fn(value))

    def sha256(self, value_len, value_ptr, register_id):
        self._hash("sha256", value_len, value_ptr, register_id,
                   lambda v: hashlib.sha256(v).digest())

    def keccak256(self, value_len, value_ptr, register_id):
        self._hash("keccak256", value_len, value_ptr, register_id, _keccak(256))

    def keccak512(self, value_len, value_ptr, register_id):
        self._hash("keccak512", value_len, value_ptr, register_id, _keccak(512))

    def ripemd160(self, value_len, value_ptr, register_id):
        c = self.ext_costs
        self.gas_counter.pay_base("ripemd160_base", c["ripemd160_base"])
        value = self.get_vec(value_ptr, value_len)
        blocks = (len(value) + 8) // 64 + 1
        self.gas_counter.pay_per("ripemd160_block", c["ripemd160_block"], blocks)
        self._register_set(register_id, _ripemd160(value))

    def ed25519_verify(self, sig_len, sig_ptr, msg_len, msg_ptr, pk_len, pk_ptr):
        c = self.ext_costs
        self.gas_counter.pay_base("ed25519_verify_base", c["ed25519_verify_base"])
        sig = self.get_vec(sig_ptr, sig_len)
        if len(sig) != 64:
            raise host_error("Ed25519VerifyInvalidInput", msg="invalid signature length")
        msg = self.get_vec(msg_ptr, msg_len)
        self.gas_counter.pay_per("ed25519_verify_byte", c["ed25519_verify_byte"], len(msg))
        pk = self.get_vec(pk_ptr, pk_len)
        if len(pk) != 32:
            raise host_error("Ed25519VerifyInvalidInput", msg="invalid public key length")
        from nacl.exceptions import BadSignatureError, CryptoError
        from nacl.signing import VerifyKey
        try:
            VerifyKey(pk).verify(msg, sig)
            return 1
        except (BadSignatureError, CryptoError, ValueError):
            return 0

    def ecrecover(self, hash_len, hash_ptr, sig_len, sig_ptr, v, malleability_flag,
                  register_id):
        """secp256k1 key recovery (logic.rs ``ecrecover``): 1 and the 64-byte key in the
        register, or 0 for a signature that does not recover."""
        from . import _secp256k1 as k1
        self.gas_counter.pay_base("ecrecover_base", self.ext_costs["ecrecover_base"])
        sig = self.get_vec(sig_ptr, sig_len)
        if len(sig) != 64:
            raise host_error("ECRecoverError", msg=f"The length of the signature: {len(sig)}, "
                                                   "exceeds the limit: 64")
        if v >= 4:
            raise host_error("ECRecoverError", msg="V recovery byte 0 through 3 are valid but "
                                                   f"was provided {v}")
        msg_hash = self.get_vec(hash_ptr, hash_len)
        if len(msg_hash) != 32:
            raise host_error("ECRecoverError", msg=f"The length of the hash: {len(msg_hash)}, "
                                                   "exceeds the limit: 32")
        if malleability_flag not in (0, 1):
            raise host_error("ECRecoverError", msg="Malleability flag needs to be 0 or 1, but "
                                                   f"is instead {malleability_flag}")
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        if not k1.check_signature_values(r, s, malleability_flag != 0):
            return 0
        pk = k1.recover(msg_hash, r, s, v)
        if pk is None:
            return 0
        self._register_set(register_id, pk)
        return 1

    def alt_bn128_g1_multiexp(self, *args):
        raise host_error("UnsupportedHostFunction", method_name="alt_bn128_g1_multiexp")

    def alt_bn128_g1_sum(self, *args):
        raise host_error("UnsupportedHostFunction", method_name="alt_bn128_g1_sum")

    def alt_bn128_pairing_check(self, *args):
        raise host_error("UnsupportedHostFunction", method_name="alt_bn128_pairing_check")

    def validator_stake(self, account_id_len, account_id_ptr, stake_ptr):
        self._pay_base()
        account_id = self._read_account_id(account_id_ptr, account_id_len)
        self.gas_counter.pay_base("validator_stake_base", self.ext_costs["validator_stake_base"])
        # the current epoch's validators (testing/_validators.py; docs/protocol.md 2.4, 10)
        stake = getattr(self.ext, "validator_stake", None)
        self._set_u128(stake_ptr, stake(account_id) if stake else 0)

    def validator_total_stake(self, stake_ptr):
        self._pay_base()
        self.gas_counter.pay_base("validator_total_stake_base",
                          self.ext_costs["validator_total_stake_base"])
        total = getattr(self.ext, "validator_total_stake", None)
        self._set_u128(stake_ptr, total() if total else 0)

    # ==================================================================== 2.5 misc

    def value_return(self, value_len, value_ptr):
        self._pay_base()
        value = self.get_vec(value_ptr, value_len)
        n = len(value)
        limit = self.limits["max_length_returned_data"]
        if n > limit:
            raise host_error("ReturnedValueLengthExceeded", length=n, limit=limit)
        f = self.fees["data_receipt_creation_per_byte"]
        burn = 0
        for receiver in self.context.output_data_receivers:
            sir = receiver == self.context.current_account_id
            burn += (f.send(sir) + f.execution) * n
        self.gas_counter.pay_base("data_receipt_creation_per_byte", burn)
        self.return_data = ("value", bytes(value))

    def panic(self):
        self._pay_base()
        raise host_error("GuestPanic", panic_msg="explicit guest panic")

    def panic_utf8(self, len_, ptr):
        self._pay_base()
        raise host_error("GuestPanic", panic_msg=self._get_utf8_string(len_, ptr))

    def log_utf8(self, len_, ptr):
        self._pay_base()
        self._check_can_add_log()
        self._log(self._get_utf8_string(len_, ptr))

    def log_utf16(self, len_, ptr):
        self._pay_base()
        self._check_can_add_log()
        self._log(self._get_utf16_string(len_, ptr))

    def abort(self, msg_ptr, filename_ptr, line, col):
        """AssemblyScript abort (docs/protocol.md 2.5): strings are UTF-16 with a u32 length at
        ptr-4."""
        self._pay_base()
        if msg_ptr < 4 or filename_ptr < 4:
            raise host_error("BadUTF16")
        self._check_can_add_log()
        msg_len = int.from_bytes(self.mem_read(msg_ptr - 4, 4), "little")
        file_len = int.from_bytes(self.mem_read(filename_ptr - 4, 4), "little")
        msg = self._get_utf16_string(msg_len, msg_ptr)
        filename = self._get_utf16_string(file_len, filename_ptr)
        message = f'{msg}, filename: "{filename}" line: {line} col: {col}'
        self._log(message, "ABORT: " + message)
        raise host_error("GuestPanic", panic_msg=message)

    def gas(self, opcodes):
        """Legacy injected gas counter (docs/protocol.md 2.9)."""
        self.gas_counter.pay_base("wasm_ops", opcodes * self.ext_costs["regular_op_cost"])

    # ==================================================================== 2.6 storage

    def _trie_entry(self) -> list:
        """[trie at the chunk's start, prefix tokens, flush, pending keys] (testing/_trie.py
        Chunk.account).  The runtime keeps one Chunk per block (``ext.trie_chunk``); without
        it each call is its own chunk and the account the only one holding data."""
        if self._trie is None:
            self._trie = self._trie_chunk().account(self.context.current_account_id,
                                                    self._storage_in)
        return self._trie

    def _trie_chunk(self):
        if self._chunk is None:
            chunk = getattr(self.ext, "trie_chunk", None)
            self._chunk = chunk() if chunk else Chunk()
        return self._chunk

    def _trie_fees(self, key: bytes, old) -> None:
        """The trie nodes of a write's or remove's lookup, and the old value (``old``, None if
        absent): ``touching_trie_node`` each, ``read_cached_trie_node`` for one a function call
        of this chunk has read already; nothing for a key written or removed earlier in the
        chunk (docs/protocol.md 5.4; logic.rs storage_write/storage_remove, testing/_trie.py)."""
        dirty = self._trie_dirty
        trie, prefix, flush, pending = self._trie_entry()
        if key in dirty or key in pending:
            return
        dirty.add(key)
        nodes = [*prefix, *data_nodes(trie, key, flush)]
        if old is not None:
            nodes.append(old)  # a value is cached by its hash: equal values share an entry
        seen = self._chunk.seen
        cached = touched = 0
        for node in nodes:
            if node in seen:
                cached += 1
            else:
                seen.add(node)
                touched += 1
        c = self.ext_costs
        if touched:
            self.gas_counter.pay_per("touching_trie_node", c["touching_trie_node"], touched)
        if cached:
            self.gas_counter.pay_per("read_cached_trie_node", c["read_cached_trie_node"], cached)

    def _check_key(self, key: bytes):
        limit = self.limits["max_length_storage_key"]
        if len(key) > limit:
            raise host_error("KeyLengthExceeded", length=len(key), limit=limit)

    def storage_write(self, key_len, key_ptr, value_len, value_ptr, register_id):
        self._pay_base()
        self._view_check("storage_write")
        c = self.ext_costs
        self.gas_counter.pay_base("storage_write_base", c["storage_write_base"])
        key = self.get_vec(key_ptr, key_len)
        self._check_key(key)
        value = self.get_vec(value_ptr, value_len)
        limit = self.limits["max_length_storage_value"]
        if len(value) > limit:
            raise host_error("ValueLengthExceeded", length=len(value), limit=limit)
        self.gas_counter.pay_per("storage_write_key_byte", c["storage_write_key_byte"], len(key))
        self.gas_counter.pay_per("storage_write_value_byte", c["storage_write_value_byte"], len(value))
        evicted = self._storage.get(key)
        if evicted is not None:
            self.gas_counter.pay_per("storage_write_evicted_byte", c["storage_write_evicted_byte"],
                             len(evicted))
        self._trie_fees(key, evicted)
        self._storage_for_write()[key] = value
        if evicted is not None:
            self.storage_usage_now += len(value) - len(evicted)
            self._register_set(register_id, evicted)
            return 1
        self.storage_usage_now += len(key) + len(value) + 40  # storage_num_extra_bytes_record
        return 0

    def storage_read(self, key_len, key_ptr, register_id):
        self._pay_base()
        c = self.ext_costs
        self.gas_counter.pay_base("storage_read_base", c["storage_read_base"])
        key = self.get_vec(key_ptr, key_len)
        self._check_key(key)
        self.gas_counter.pay_per("storage_read_key_byte", c["storage_read_key_byte"], len(key))
        value = self._storage.get(key)
        if value is None:
            return 0
        if not self.is_view and key not in self._trie_dirty:
            # flat storage: no node is charged, but the value enters the chunk cache (unless
            # the chunk's pending changes answered; a view has a trie of its own)
            chunk = self._trie_chunk()
            entry = self._trie or chunk.accounts.get(self.context.current_account_id)
            if entry is None or key not in entry[3]:
                chunk.seen.add(value)
        n = len(value)
        self.gas_counter.pay_per("storage_read_value_byte", c["storage_read_value_byte"], n)
        if n > 4000:
            self.gas_counter.pay_base("storage_large_read_overhead_base",
                              c["storage_large_read_overhead_base"])
            self.gas_counter.pay_per("storage_large_read_overhead_byte",
                             c["storage_large_read_overhead_byte"], n)
        self._register_set(register_id, value)
        return 1

    def storage_remove(self, key_len, key_ptr, register_id):
        self._pay_base()
        self._view_check("storage_remove")
        c = self.ext_costs
        self.gas_counter.pay_base("storage_remove_base", c["storage_remove_base"])
        key = self.get_vec(key_ptr, key_len)
        self._check_key(key)
        self.gas_counter.pay_per("storage_remove_key_byte", c["storage_remove_key_byte"], len(key))
        removed = self._storage.get(key)
        if removed is not None:
            self.gas_counter.pay_per("storage_remove_ret_value_byte", c["storage_remove_ret_value_byte"],
                             len(removed))
        self._trie_fees(key, removed)
        if removed is None:
            return 0
        del self._storage_for_write()[key]
        self.storage_usage_now -= len(key) + len(removed) + 40
        self._register_set(register_id, removed)
        return 1

    def storage_has_key(self, key_len, key_ptr):
        self._pay_base()
        c = self.ext_costs
        self.gas_counter.pay_base("storage_has_key_base", c["storage_has_key_base"])
        key = self.get_vec(key_ptr, key_len)
        self._check_key(key)
        self.gas_counter.pay_per("storage_has_key_byte", c["storage_has_key_byte"], len(key))
        return 1 if key in self._storage else 0

    def storage_iter_prefix(self, *args):
        raise host_error("Deprecated", method_name="storage_iter_prefix")

    def storage_iter_range(self, *args):
        raise host_error("Deprecated", method_name="storage_iter_range")

    def storage_iter_next(self, *args):
        raise host_error("Deprecated", method_name="storage_iter_next")

    # ==================================================================== 2.7 promises

    def promise_batch_create(self, account_id_len, account_id_ptr):
        self._pay_base()
        self._view_check("promise_batch_create")
        account_id = self._read_account_id(account_id_ptr, account_id_len)
        sir = account_id == self.context.current_account_id
        self._pay_gas_for_new_receipt(sir, [])
        return self._checked_push_promise(("r", self._new_receipt(account_id, [])))

    def promise_batch_then(self, promise_idx, account_id_len, account_id_ptr):
        self._pay_base()
        self._view_check("promise_batch_then")
        account_id = self._read_account_id(account_id_ptr, account_id_len)
        p = self._promise(promise_idx)
        deps = [p[1]] if p[0] == "r" else list(p[1])
        sir = account_id == self.context.current_account_id
        self._pay_gas_for_new_receipt(
            sir, [self.receipts[d].receiver_id == account_id for d in deps])
        return self._checked_push_promise(("r", self._new_receipt(account_id, deps)))

    def promise_and(self, promise_idx_ptr, promise_idx_count):
        self._pay_base()
        self._view_check("promise_and")
        c = self.ext_costs
        self.gas_counter.pay_base("promise_and_base", c["promise_and_base"])
        nbytes = promise_idx_count * 8
        if nbytes > U64_MAX:
            raise host_error("IntegerOverflow")
        # per-promise cost multiplied by BYTES (docs/protocol.md 2.7)
        self.gas_counter.pay_per("promise_and_per_promise", c["promise_and_per_promise"], nbytes)
        raw = self.mem_read(promise_idx_ptr, nbytes)
        limit = self.limits["max_number_input_data_dependencies"]
        deps: list = []
        for i in range(promise_idx_count):
            idx = int.from_bytes(raw[8 * i:8 * i + 8], "little")
            p = self._promise(idx)
            if p[0] == "r":
                deps.append(p[1])
            else:
                deps.extend(p[1])
            if len(deps) > limit:
                raise host_error("NumberInputDataDependenciesExceeded",
                                 number_of_input_data_dependencies=len(deps), limit=limit)
        return self._checked_push_promise(("and", deps))

    def promise_create(self, account_id_len, account_id_ptr, method_name_len, method_name_ptr,
                       arguments_len, arguments_ptr, amount_ptr, gas):
        idx = self.promise_batch_create(account_id_len, account_id_ptr)
        self.promise_batch_action_function_call(idx, method_name_len, method_name_ptr,
                                                arguments_len, arguments_ptr, amount_ptr, gas)
        return idx

    def promise_then(self, promise_idx, account_id_len, account_id_ptr, method_name_len,
                     method_name_ptr, arguments_len, arguments_ptr, amount_ptr, gas):
        idx = self.promise_batch_then(promise_idx, account_id_len, account_id_ptr)
        self.promise_batch_action_function_call(idx, method_name_len, method_name_ptr,
                                                arguments_len, arguments_ptr, amount_ptr, gas)
        return idx

    def promise_batch_action_create_account(self, promise_idx):
        self._pay_base()
        self._view_check("promise_batch_action_create_account")
        receipt, sir = self._receipt_with_sir(promise_idx)
        self._pay_action_base("create_account", sir)
        receipt.actions.append(CreateAccount())

    def promise_batch_action_deploy_contract(self, promise_idx, code_len, code_ptr):
        self._pay_base()
        self._view_check("promise_batch_action_deploy_contract")
        code = self.get_vec(code_ptr, code_len)
        limit = self.limits["max_contract_size"]
        if len(code) > limit:
            raise host_error("ContractSizeExceeded", size=len(code), limit=limit)
        receipt, sir = self._receipt_with_sir(promise_idx)
        self._pay_action_base("deploy_contract_base", sir)
        self._pay_action_per_byte("deploy_contract_per_byte", len(code), sir)
        receipt.actions.append(DeployContract(code=bytes(code)))

    def promise_batch_action_function_call(self, promise_idx, method_name_len, method_name_ptr,
                                           arguments_len, arguments_ptr, amount_ptr, gas):
        self.promise_batch_action_function_call_weight(
            promise_idx, method_name_len, method_name_ptr, arguments_len, arguments_ptr,
            amount_ptr, gas, 0)

    def promise_batch_action_function_call_weight(self, promise_idx, method_name_len,
                                                  method_name_ptr, arguments_len, arguments_ptr,
                                                  amount_ptr, gas, gas_weight):
        self._pay_base()
        self._view_check("promise_batch_action_function_call")
        amount = self._get_u128(amount_ptr)
        method = self.get_vec(method_name_ptr, method_name_len)
        if not method:
            raise host_error("EmptyMethodName")
        args = self.get_vec(arguments_ptr, arguments_len)
        receipt, sir = self._receipt_with_sir(promise_idx)
        self._pay_action_base("function_call_base", sir)
        self._pay_action_per_byte("function_call_per_byte", len(method) + len(args), sir)
        self.gas_counter.prepay_gas(gas)
        self._deduct_attached(amount)
        self._append_function_call(receipt, method, args, gas, amount, gas_weight)

    def _deduct_attached(self, amount):
        """Take a function call's attached ``amount`` from the balance - except, from protocol
        85, exactly 1 yocto attached by an account with a zero balance, which is subsidised
        (logic.rs skip_deduct, one_yocto_on_promise; docs/protocol.md 2.7)."""
        if not (amount == 1 and self.balance == 0 and self.config.feature("one_yocto_on_promise")):
            self._deduct_balance(amount)

    def _append_function_call(self, receipt, method, args, gas, amount, gas_weight):
        """Append the FunctionCall action to ``receipt`` (an undecodable method name is
        InvalidMethodName); with a gas weight it takes part in the unused-gas split."""
        try:
            method_name = method.decode("utf-8")
        except UnicodeDecodeError:
            raise host_error("InvalidMethodName") from None
        action = FunctionCall(method_name=method_name, args=bytes(args), gas=gas,
                              deposit=amount, gas_weight=gas_weight)
        receipt.actions.append(action)
        if gas_weight > 0:
            self.weighted.append((action, gas_weight))

    def promise_batch_action_transfer(self, promise_idx, amount_ptr):
        self._pay_base()
        self._view_check("promise_batch_action_transfer")
        amount = self._get_u128(amount_ptr)
        receipt, sir = self._receipt_with_sir(promise_idx)
        kind = _account_type(receipt.receiver_id)
        names = ["transfer"]
        if kind != "named":
            names.append("create_account")
        if kind == "near-implicit":
            names.append("add_full_access_key")
        burn = sum(self.fees[n].send(sir) for n in names)
        use = burn + sum(self.fees[n].execution for n in names)
        self.gas_counter.pay_action("transfer", burn, use)
        self._deduct_balance(amount)
        receipt.actions.append(Transfer(deposit=amount))

    def promise_batch_action_stake(self, promise_idx, amount_ptr, public_key_len,
                                   public_key_ptr):
        self._pay_base()
        self._view_check("promise_batch_action_stake")
        amount = self._get_u128(amount_ptr)
        pk = self._get_public_key(public_key_ptr, public_key_len)
        receipt, sir = self._receipt_with_sir(promise_idx)
        self._pay_action_base("stake", sir)
        receipt.actions.append(Stake(stake=amount, public_key=_decode_public_key(pk)))

    def promise_batch_action_add_key_with_full_access(self, promise_idx, public_key_len,
                                                      public_key_ptr, nonce):
        self._pay_base()
        self._view_check("promise_batch_action_add_key_with_full_access")
        pk = self._get_public_key(public_key_ptr, public_key_len)
        receipt, sir = self._receipt_with_sir(promise_idx)
        self._pay_action_base("add_full_access_key", sir)
        receipt.actions.append(AddKey(public_key=_decode_public_key(pk),
                                      access_key=AccessKey(nonce=nonce)))

    def promise_batch_action_add_key_with_function_call(
            self, promise_idx, public_key_len, public_key_ptr, nonce, allowance_ptr,
            receiver_id_len, receiver_id_ptr, method_names_len, method_names_ptr):
        self._pay_base()
        self._view_check("promise_batch_action_add_key_with_function_call")
        pk = self._get_public_key(public_key_ptr, public_key_len)
        allowance = self._get_u128(allowance_ptr)
        receiver_id = self._read_account_id(receiver_id_ptr, receiver_id_len)
        raw = self.get_vec(method_names_ptr, method_names_len)
        names = []
        if raw:
            for part in raw.split(b","):
                if not part:
                    raise host_error("EmptyMethodName")
                try:
                    names.append(part.decode("utf-8"))
                except UnicodeDecodeError:
                    raise host_error("BadUTF8") from None
        nbytes = sum(len(n.encode()) + 1 for n in names)
        receipt, sir = self._receipt_with_sir(promise_idx)
        self._pay_action_base("add_function_call_key_base", sir)
        self._pay_action_per_byte("add_function_call_key_per_byte", nbytes, sir)
        receipt.actions.append(AddKey(
            public_key=_decode_public_key(pk),
            access_key=AccessKey(nonce=nonce, allowance=allowance or None,
                                 receiver_id=receiver_id, method_names=names)))

    def promise_batch_action_delete_key(self, promise_idx, public_key_len, public_key_ptr):
        self._pay_base()
        self._view_check("promise_batch_action_delete_key")
        pk = self._get_public_key(public_key_ptr, public_key_len)
        receipt, sir = self._receipt_with_sir(promise_idx)
        self._pay_action_base("delete_key", sir)
        receipt.actions.append(DeleteKey(public_key=_decode_public_key(pk)))

    def promise_batch_action_delete_account(self, promise_idx, beneficiary_id_len,
                                            beneficiary_id_ptr):
        self._pay_base()
        self._view_check("promise_batch_action_delete_account")
        beneficiary = self._read_account_id(beneficiary_id_ptr, beneficiary_id_len)
        receipt, sir = self._receipt_with_sir(promise_idx)
        self._pay_action_base("delete_account", sir)
        receipt.actions.append(DeleteAccount(beneficiary_id=beneficiary))

    def promise_set_refund_to(self, promise_idx, account_id_len, account_id_ptr):
        """protocol >= 82: redirect the deposit refund of that receipt (docs/protocol.md 2.7)."""
        self._pay_base()
        self._view_check("promise_set_refund_to")
        account_id = self._read_account_id(account_id_ptr, account_id_len)
        p = self._promise(promise_idx)
        if p[0] != "r":
            raise host_error("CannotSetRefundToOnJointPromise")
        self.receipts[p[1]].refund_to = account_id

    def promise_results_count(self):
        self._pay_base()
        self._view_check("promise_results_count")
        return len(self.context.promise_results)

    def promise_result(self, result_idx, register_id):
        self._pay_base()
        self._view_check("promise_result")
        results = self.context.promise_results
        if result_idx >= len(results):
            raise host_error("InvalidPromiseResultIndex", result_idx=result_idx)
        data = results[result_idx]
        if data is None:
            return 2
        self._set_rc_data(register_id, data)
        return 1

    def promise_return(self, promise_idx):
        self._pay_base()
        self.gas_counter.pay_base("promise_return", self.ext_costs["promise_return"])
        self._view_check("promise_return")
        p = self._promise(promise_idx)
        if p[0] != "r":
            raise host_error("CannotReturnJointPromise")
        self.return_data = ("receipt", p[1])

    # ==================================================================== 2.8 yield/resume

    def promise_yield_create(self, method_name_len, method_name_ptr, arguments_len,
                             arguments_ptr, gas, gas_weight, register_id):
        self._pay_base()
        c = self.ext_costs
        self.gas_counter.pay_base("yield_create_base", c["yield_create_base"])
        self._view_check("promise_yield_create")
        method = self.get_vec(method_name_ptr, method_name_len)
        if not method:
            raise host_error("EmptyMethodName")
        args = self.get_vec(arguments_ptr, arguments_len)
        nbytes = len(method) + len(args)
        self.gas_counter.pay_per("yield_create_byte", c["yield_create_byte"], nbytes)
        self.gas_counter.prepay_gas(gas)
        self._pay_gas_for_new_receipt(True, [True])
        data_id = bytes(self.ext.new_data_id())
        receipt = NewReceipt(receiver_id=self.context.current_account_id, is_yield=True,
                             yield_data_id=data_id)
        self.receipts.append(receipt)
        idx = self._checked_push_promise(("r", len(self.receipts) - 1))
        self._append_function_call(receipt, method, args, gas, 0, gas_weight)
        self._pay_action_base("function_call_base", True)
        self._pay_action_per_byte("function_call_per_byte", nbytes, True)
        self.yield_ids.add(data_id)
        self._register_set(register_id, data_id)
        return idx

    def promise_yield_resume(self, data_id_len, data_id_ptr, payload_len, payload_ptr):
        self._pay_base()
        c = self.ext_costs
        self.gas_counter.pay_base("yield_resume_base", c["yield_resume_base"])
        self._view_check("promise_yield_resume")
        data_id = self.get_vec(data_id_ptr, data_id_len)
        payload = self.get_vec(payload_ptr, payload_len)
        limit = self.limits["max_yield_payload_size"]
        if len(payload) > limit:
            raise host_error("YieldPayloadLength", length=len(payload), limit=limit)
        self.gas_counter.pay_per("yield_resume_byte", c["yield_resume_byte"], len(payload))
        if len(data_id) != 32:
            raise host_error("DataIdMalformed")
        data_id = bytes(data_id)
        if not (data_id in self.yield_ids
                or self.ext.yield_is_pending(self.context.current_account_id, data_id)):
            return 0
        self.yield_resumes.append(YieldResume(data_id=data_id, payload=bytes(payload)))
        return 1

    # yields with a caller-chosen id (protocol 85+, ``YieldWithId``: config flag
    # ``yield_with_id_host_fns``; linked only from 85, wasm.VERSIONED_HOST_FUNCTIONS).  nearcore:
    # logic.rs ``promise_yield_create_with_id`` / ``promise_yield_resume_with_yield_id``,
    # ext.rs ``create_promise_yield_receipt_with_id`` (the YieldIdToDataId trie row),
    # dependencies.rs ``submit_promise_resume_data_with_yield_id``; docs/protocol.md 8.

    def _yield_data_id(self, yield_id: bytes):
        """The data id of this account's pending yield created with ``yield_id``, or None."""
        data_id = self.yield_id_map.get(yield_id)
        if data_id is not None:
            return data_id
        lookup = getattr(self.ext, "yield_data_id", None)
        return None if lookup is None else lookup(self.context.current_account_id, yield_id)

    def promise_yield_create_with_id(self, method_name_len, method_name_ptr, arguments_len,
                                     arguments_ptr, amount_ptr, gas, gas_weight, yield_id_len,
                                     yield_id_ptr):
        """Like promise_yield_create, but the contract names the yield (32 bytes) and may attach
        a deposit; nothing is written to a register.  Returns the promise index, or u64::MAX
        (no receipt, no further charge) while a yield of this account with that id is pending.
        Charges ``yield_create_with_id_base`` instead of ``yield_create_base``."""
        self._pay_base()
        self._view_check("promise_yield_create_with_id")
        c = self.ext_costs
        self.gas_counter.pay_base("yield_create_with_id_base", c["yield_create_with_id_base"])
        amount = self._get_u128(amount_ptr)
        method = self.get_vec(method_name_ptr, method_name_len)
        if not method:
            raise host_error("EmptyMethodName")
        args = self.get_vec(arguments_ptr, arguments_len)
        yield_id = self.get_vec(yield_id_ptr, yield_id_len)
        if len(yield_id) != 32:
            raise host_error("YieldIdMalformed")
        yield_id = bytes(yield_id)
        nbytes = len(method) + len(args)
        self.gas_counter.pay_per("yield_create_byte", c["yield_create_byte"], nbytes)
        if self._yield_data_id(yield_id) is not None:
            return U64_MAX
        self.gas_counter.prepay_gas(gas)
        self._pay_gas_for_new_receipt(True, [True])
        data_id = bytes(self.ext.new_data_id())
        receipt = NewReceipt(receiver_id=self.context.current_account_id, is_yield=True,
                             yield_data_id=data_id, yield_id=yield_id)
        self.receipts.append(receipt)
        idx = self._checked_push_promise(("r", len(self.receipts) - 1))
        self._pay_action_base("function_call_base", True)
        self._pay_action_per_byte("function_call_per_byte", nbytes, True)
        self._deduct_attached(amount)
        self._append_function_call(receipt, method, args, gas, amount, gas_weight)
        self.yield_ids.add(data_id)
        self.yield_id_map[yield_id] = data_id
        return idx

    def promise_yield_resume_with_yield_id(self, yield_id_len, yield_id_ptr, payload_len,
                                           payload_ptr):
        """promise_yield_resume by the caller-chosen id: 1 if this account has a pending yield
        with that id (the payload is delivered to it), else 0."""
        self._pay_base()
        c = self.ext_costs
        self._view_check("promise_yield_resume_with_yield_id")
        self.gas_counter.pay_base("yield_resume_base", c["yield_resume_base"])
        # nearcore charges the per-byte fee on the declared length, before reading
        self.gas_counter.pay_per("yield_resume_byte", c["yield_resume_byte"], payload_len)
        yield_id = self.get_vec(yield_id_ptr, yield_id_len)
        payload = self.get_vec(payload_ptr, payload_len)
        limit = self.limits["max_yield_payload_size"]
        if len(payload) > limit:
            raise host_error("YieldPayloadLength", length=len(payload), limit=limit)
        if len(yield_id) != 32:
            raise host_error("YieldIdMalformed")
        data_id = self._yield_data_id(bytes(yield_id))
        if data_id is None:
            return 0
        self.yield_resumes.append(YieldResume(data_id=data_id, payload=bytes(payload)))
        return 1

    # ==================================================================== outcome

    def outcome(self, aborted: FunctionCallError | None = None) -> VMOutcome:
        """VMOutcome (docs/protocol.md 1.6).  On abort balance/storage/return data/receipts are not
        meaningful to the runtime; ``storage`` is None then.

        For non-view calls the unused gas is first distributed over the weighted function
        calls (docs/protocol.md 5.5, nearcore function_call.rs): their ``FunctionCall.gas`` grows
        and ``used_gas`` includes the distributed gas, so the runtime must not distribute again."""
        distributed = 0
        if self.weighted and not self.is_view and not self._distributed:
            self._distributed = True
            unused = max(0, self.context.prepaid_gas - self.gas_counter.used_gas)
            adds = distribute_gas(unused, [w for _, w in self.weighted])
            for (action, _), add in zip(self.weighted, adds):
                action.gas += add
            self._distributed_gas = distributed = sum(adds)
        elif self._distributed:
            distributed = self._distributed_gas
        return VMOutcome(
            balance=self.balance,
            storage_usage=self.storage_usage_now,
            return_data=None if aborted else self.return_data,
            burnt_gas=self.gas_counter.burnt,
            used_gas=self.gas_counter.used_gas + distributed,
            logs=list(self.logs),
            aborted=aborted,
            new_receipts=[] if aborted else self.receipts,
            yield_resumes=[] if aborted else self.yield_resumes,
            storage=None if aborted else self._storage_out(),
            profile=dict(self.gas_counter.profile),
        )

    def _storage_out(self) -> dict:
        """The storage after the call: a changed one carries the trie of its keys, and the
        keys it changed are pending for the rest of the chunk."""
        st = self._storage
        if self._storage_copied and getattr(st, "trie", None) is None:
            st.trie = data_trie(self._storage_in).with_changes(st, self._trie_dirty)
        if self._trie is not None:
            self._trie[3] |= self._trie_dirty
        return st

    def call_host(self, name: str, *args):
        """Call host function ``name``, converting counter errors into VMLogicError aborts."""
        try:
            return getattr(self, name)(*args)
        except GasError as e:
            raise host_error(e.kind) from None
        except IntegerOverflow:
            raise host_error("IntegerOverflow") from None


def _context_read(name: str, field: str, out: str, view: bool):
    """The VMLogic method ``name`` of _CONTEXT_READS."""
    get = operator.attrgetter(field)
    if out == "str":
        def host_fn(self, register_id):
            self._pay_base()
            if not view:
                self._view_check(name)
            self._register_set(register_id, get(self.context).encode())
    elif out == "bytes":
        def host_fn(self, register_id):
            self._pay_base()
            if not view:
                self._view_check(name)
            self._register_set(register_id, get(self.context))
    elif out == "u64":
        def host_fn(self):
            self._pay_base()
            if not view:
                self._view_check(name)
            return get(self.context)
    else:  # u128
        def host_fn(self, balance_ptr):
            self._pay_base()
            if not view:
                self._view_check(name)
            self._set_u128(balance_ptr, get(self.context))
    host_fn.__name__, host_fn.__qualname__ = name, f"VMLogic.{name}"
    host_fn.__doc__ = f"logic.rs ``{name}``: VMContext.{field} ({out})."
    return host_fn


#: host function -> (VMContext field, what it returns, readable in a view call)
#: (docs/protocol.md 2.2, 2.3; logic.rs: the ones a view may not read call
#: ``prohibited_in_view``).  str/bytes go to a register, u64 is returned, u128 written to memory.
_CONTEXT_READS = {
    "current_account_id": ("current_account_id", "str", True),
    "signer_account_id": ("signer_account_id", "str", False),
    "signer_account_pk": ("signer_account_pk", "bytes", False),
    "predecessor_account_id": ("predecessor_account_id", "str", False),
    "refund_to_account_id": ("refund_to_account_id", "str", False),
    "random_seed": ("random_seed", "bytes", True),
    "block_index": ("block_height", "u64", True),
    "block_timestamp": ("block_timestamp", "u64", True),
    "epoch_height": ("epoch_height", "u64", True),
    "prepaid_gas": ("prepaid_gas", "u64", False),
    "account_locked_balance": ("account_locked_balance", "u128", True),
    "attached_deposit": ("attached_deposit", "u128", True),
}
for _name, (_field, _out, _view) in _CONTEXT_READS.items():
    setattr(VMLogic, _name, _context_read(_name, _field, _out, _view))
del _name, _field, _out, _view


def _keccak(bits: int):
    """Keccak (NOT SHA-3: different padding).  pycryptodome if present, else pure Python."""
    def fn(data: bytes) -> bytes:
        try:
            from Crypto.Hash import keccak  # type: ignore
            return keccak.new(data=data, digest_bits=bits).digest()
        except ImportError:
            from ._keccak import keccak
            return keccak(data, bits)
    return fn


# nearcore host functions this simulator does not implement: a contract importing them links,
# and a call aborts with UnsupportedHostFunction naming the function (docs/protocol.md 2.9).
UNSUPPORTED_HOST_FUNCTIONS = [
    "bls12381_p1_sum", "bls12381_p2_sum", "bls12381_g1_multiexp", "bls12381_g2_multiexp",
    "bls12381_map_fp_to_g1", "bls12381_map_fp2_to_g2", "bls12381_pairing_check",
    "bls12381_p1_decompress", "bls12381_p2_decompress", "sandbox_debug_log",
    "promise_batch_action_deploy_global_contract",
    "promise_batch_action_deploy_global_contract_by_account_id",
    "promise_batch_action_use_global_contract",
    "promise_batch_action_use_global_contract_by_account_id",
]

# Host functions nearc's Wasm (or near-sdk-rs) may import; VMLogic methods by these names.
HOST_FUNCTIONS = [
    "read_register", "register_len", "write_register",
    "current_account_id", "signer_account_id", "signer_account_pk", "predecessor_account_id",
    "refund_to_account_id", "input", "block_index", "block_timestamp", "epoch_height",
    "storage_usage", "random_seed",
    "account_balance", "account_locked_balance", "attached_deposit", "prepaid_gas", "used_gas",
    "sha256", "keccak256", "keccak512", "ripemd160", "ed25519_verify", "ecrecover",
    "alt_bn128_g1_multiexp", "alt_bn128_g1_sum", "alt_bn128_pairing_check",
    "validator_stake", "validator_total_stake",
    "value_return", "panic", "panic_utf8", "log_utf8", "log_utf16", "abort", "gas",
    "storage_write", "storage_read", "storage_remove", "storage_has_key",
    "storage_iter_prefix", "storage_iter_range", "storage_iter_next",
    "promise_batch_create", "promise_batch_then", "promise_and", "promise_create",
    "promise_then", "promise_batch_action_create_account", "promise_batch_action_deploy_contract",
    "promise_batch_action_function_call", "promise_batch_action_function_call_weight",
    "promise_batch_action_transfer", "promise_batch_action_stake",
    "promise_batch_action_add_key_with_full_access",
    "promise_batch_action_add_key_with_function_call", "promise_batch_action_delete_key",
    "promise_batch_action_delete_account", "promise_set_refund_to", "promise_results_count",
    "promise_result", "promise_return", "promise_yield_create", "promise_yield_resume",
    "promise_yield_create_with_id", "promise_yield_resume_with_yield_id",
]
