"""The embedded NEAR runtime: accounts, transactions, receipts, blocks (docs/protocol.md 1, 3, 4,
6).

One :class:`Runtime` is one single-shard chain.  Work happens block by block exactly as
docs/protocol.md 3.2 orders it; :meth:`Runtime.step` runs one receipt at a time so a test can stop a
flow between a call and its callback, and :meth:`Runtime.run` runs to idle.

Where the simulator approximates nearcore (each also noted where it is implemented):
* the chunk gas limit counts burnt gas only (nearcore also counts compute costs) and
  transactions are never left out of a block;
* constant gas price (the floor, docs/protocol.md 5.4);
* validators and epochs as far as staking contracts see them (testing/_validators.py,
  docs/protocol.md 10): every validator online, one validator role;
* ETH-implicit accounts are created without their wallet contract;
* transactions submitted through the plain API are not signed (keys are checked for existence,
  nonce and permission only; the test driving it is trusted); :meth:`Runtime.submit_signed`
  checks an ed25519 signature over nearcore's transaction hash, as neard does;
* receipt, data and transaction ids are unique deterministic hashes, not nearcore's.

CPython only.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from ..errors import ExecutionFailure, RuntimeSimError
from . import params, vm
from . import _validators
from ._actions import ActionFailed, ReceiptRun, apply_action, storage_stake_shortfall
from ._fees import (ActionsValidationError, exec_fee, receipt_exec_fee, total_deposit,
                    total_prepaid_exec_fees, total_prepaid_gas, total_prepaid_send_fees,
                    validate_actions)
from ._handles import DEFAULT_GAS, AccountHandle, TxHandle
from ._outcomes import (AccountView, ActionError, InvalidTransaction, PendingReceipt,
                        ReceiptOutcome, ReceiptView, TxOutcome, decode_value, fmt_near)
from ._state import (SYSTEM_ACCOUNT, ZERO_PUBLIC_KEY, Account, ActionReceipt, DataReceipt, State,
                     Transaction, Yield, access_key_storage_size, base58, derive_id,
                     ed25519_public_key, evolve, make_frozen)
from ._transactions import UnsignedTransaction, block_hash, check_signature, verify_transaction
from ._types import (AccessKey, DeleteAccount, DeployContract, FunctionCall, FunctionCallError,
                     Transfer, VMContext, VMOutcome)
from .vm.logic import is_valid_account_id

NEAR = params.NEAR
TGAS = params.TGAS


#: a wall-clock runtime's blocks are at least this far apart (docs/protocol.md 1.5)
_MIN_BLOCK_GAP_NS = 1_000_000


def validate_account_id(account_id: str) -> str:
    """NEAR account id rules: 2-64 chars of lowercase letters, digits and separators."""
    if not isinstance(account_id, str) or not is_valid_account_id(account_id):
        raise RuntimeSimError(
            f"invalid NEAR account id {account_id!r}: use 2-64 characters, lowercase letters, "
            "digits and single '-', '_' or '.' separators (e.g. 'alice.test.near')")
    return account_id


def encode_args(args) -> bytes:
    """Call arguments: a dict/list is sent as JSON, str as UTF-8, bytes as they are."""
    if args is None:
        return b""
    if isinstance(args, (bytes, bytearray)):
        return bytes(args)
    if isinstance(args, str):
        return args.encode()
    return _COMPACT_JSON.encode(args).encode()


# json.dumps(args, separators=(",", ":")) without building an encoder on every call
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


def _id(account) -> str:
    return account if isinstance(account, str) else account.id


@dataclass(frozen=True)
class TxRecord:
    """What the runtime remembers of a transaction's tree (immutable; replaced on update)."""

    tx: Transaction
    first_receipt_id: Optional[bytes] = None
    conversion_gas: int = 0
    conversion_tokens: int = 0
    outcomes: tuple = ()
    invalid: Optional[str] = None
    included_at: Optional[int] = None


class Snapshot:
    """An opaque copy of a runtime's state, for :meth:`Runtime.restore`."""

    def __init__(self, state: State):
        self._state = state

    def __repr__(self):
        return f"<Snapshot height={self._state.height} accounts={len(self._state.accounts)}>"



def _deploy_balance(code) -> int:
    """``deploy()``'s default balance: 10 NEAR, or the code's storage stake plus 5 NEAR."""
    return max(10 * NEAR, (len(code.code) + 1000) * params.STORAGE_AMOUNT_PER_BYTE + 5 * NEAR)


class Runtime:
    """A single-shard NEAR chain running real contracts.

    ``mode="wasm"`` runs compiled Wasm in wasmtime (gas figures come from this mode);
    ``mode="python"`` runs a ``.py`` contract's source under CPython against the same host
    functions (fast, debuggable; Wasm op gas is not counted).  ``port``: the MicroPython port,
    "near_safe" (default: the builder's patched port) or "nearc" (plain nearc's: python mode
    models its defects, wasm mode builds without near_safe's patches); see
    docs/cpython-mode.md."""

    def __init__(self, mode: str = "wasm", config: Optional[params.Config] = None, port=None,
                 protocol: Optional[int] = None):
        if mode not in ("wasm", "python"):
            raise RuntimeSimError(f"Runtime(mode={mode!r}): use mode='wasm' or mode='python'")
        self.mode = mode
        self.port = port
        self.config = _protocol_config(config, protocol)
        self._state = State()
        if self.config.genesis_time_ns is not None:
            self._state.genesis_time_ns = self.config.genesis_time_ns
        else:
            import time

            self._state.genesis_time_ns = time.time_ns()
        self._state.epochs = _validators.genesis(self.config, self._state.genesis_time_ns)
        self._code_by_hash = {}  # sha256(code bytes) -> ContractCode (python-mode sources)
        # before_receipt hooks: fn(runtime, receipt) called before an action receipt is
        # applied; failure injection (fail_next) is one of them.
        self.before_receipt_hooks = []
        self._faults = []  # [(receiver, method, kind)], consumed by _execute_vm
        # The tools' extension surface (docs/architecture.md, "The runtime's tool surface"):
        # fault kinds rt.inject() accepts (name -> fn(rt, call, execute) -> VMOutcome) and
        # wrappers around every receipt's function call (fn(call, execute) -> VMOutcome).
        self.fault_kinds = dict(FAULT_KINDS)
        self.vm_wrappers = []
        self._peeking = False

    # ============================================================ state inspection

    @property
    def height(self) -> int:
        """Height of the current (last started) block."""
        return self._state.height

    @property
    def accounts(self) -> list:
        return list(self._state.accounts)

    def _get_account(self, account) -> Account:
        account_id = _id(account)
        acc = self._state.accounts.get(account_id)
        if acc is None:
            raise RuntimeSimError(f"account {account_id!r} does not exist: create it with "
                                  "rt.create_account(...) or rt.deploy(...) first")
        return acc

    def exists(self, account) -> bool:
        return _id(account) in self._state.accounts

    def account(self, account) -> AccountView:
        acc = self._get_account(account)
        return AccountView(_id(account), acc.amount, acc.locked, acc.storage_usage,
                           acc.code_hash, acc.code_len, len(acc.keys))

    def balance(self, account) -> int:
        """Liquid balance (``amount``) in yoctoNEAR."""
        return self._get_account(account).amount

    def storage(self, account) -> dict:
        """A copy of the contract's data: ``{key bytes: value bytes}``."""
        return dict(self._get_account(account).data)

    def access_keys(self, account) -> dict:
        """``{borsh public key: AccessKey}``."""
        return dict(self._get_account(account).keys)

    def code(self, account) -> Optional[bytes]:
        """The deployed contract's bytes (Wasm, or a python-mode source), None if none."""
        code = self._get_account(account).code
        return None if code is None else bytes(code.code)

    def block_hash(self, height: Optional[int] = None) -> bytes:
        """The hash of block ``height`` (default: the current block), as signed into
        transactions (:meth:`prepare_transaction`)."""
        return block_hash(self._state.height if height is None else height)

    def block_timestamp(self, height: Optional[int] = None) -> int:
        """Block ``height``'s timestamp in ns (default: the current block), as contracts
        read it (``block_timestamp``)."""
        st = self._state
        h = st.height if height is None else height
        extra = 0
        for start, ns in reversed(st.time_jumps):  # the latest first: recent blocks are asked
            if start <= h:
                extra = ns
                break
        return st.genesis_time_ns + h * self.config.block_time_ns + extra

    def advance(self, seconds: float) -> int:
        """Move time forward as a sandbox's clock moves while a test sleeps: the next block
        (and every later one) is at least ``seconds`` after both the current block's successor
        time and the wall clock now.  A deadline a test took from ``time.time()`` is passed by
        ``rt.advance(seconds=...)`` past it, with no sleep.  Blocks already produced keep their
        times; snapshots carry the change.  Returns the next block's timestamp (ns)."""
        if not isinstance(seconds, (int, float)) or seconds < 0:
            raise RuntimeSimError(f"rt.advance(seconds={seconds!r}): time only moves forward; "
                                  "pass a number of seconds >= 0")
        import time

        st = self._state
        nxt = st.height + 1
        target = max(self.block_timestamp(nxt), time.time_ns()) + round(seconds * 10**9)
        self._jump(nxt, target)
        return target

    def _jump(self, height: int, ns: int) -> None:
        """Block ``height`` (and the later ones, a block time apart) at ``ns``."""
        st = self._state
        while st.time_jumps and st.time_jumps[-1][0] >= height:
            st.time_jumps.pop()
        st.time_jumps.append((height, ns - st.genesis_time_ns - height * self.config.block_time_ns))

    def _follow_wall_clock(self, produced: bool) -> None:
        """docs/protocol.md 1.5: a wall-clock runtime (Config.genesis_time_ns None) is a sandbox
        producing blocks in real time.  The block just opened is no earlier than the wall clock
        now; one that carries transactions or receipts is at the wall clock (at least 1 ms
        after the previous block: the chain does not run ahead a block time per transaction),
        one produced on request (``produced``) a block time after the previous one, or later.
        A time set by :meth:`advance` for this block stays a floor."""
        import time

        st = self._state
        h = st.height
        scheduled = self.block_timestamp(h)
        now = time.time_ns()
        if produced or (st.time_jumps and st.time_jumps[-1][0] == h):  # advance() set it
            at = max(scheduled, now)
        else:
            at = max(self.block_timestamp(h - 1) + _MIN_BLOCK_GAP_NS, now)
        if at != scheduled:
            self._jump(h, at)

    def fast_forward(self, blocks: int) -> list:
        """Produce ``blocks`` more blocks (the sandbox's ``fast_forward``): height and time
        move on by ``blocks`` x ``config.block_time_ns``, yield timeouts fire.  Returns the
        outcomes of the receipts that ran (see :meth:`produce_blocks`)."""
        if not isinstance(blocks, int) or isinstance(blocks, bool) or blocks < 0:
            raise RuntimeSimError(f"rt.fast_forward({blocks!r}): pass a number of blocks >= 0")
        return self.produce_blocks(blocks)

    def handle(self, account_id: str) -> AccountHandle:
        self._get_account(account_id)
        return AccountHandle(self, account_id)

    # ============================================================ genesis-style set-up

    def create_account(self, account_id: str, balance: int = 100 * NEAR,
                       public_key: Optional[bytes] = None) -> AccountHandle:
        """A top-level test account with one full-access ED25519 key (storage 182 bytes,
        docs/protocol.md 6).  Set up directly, like a genesis record: no registrar rule, no fee."""
        validate_account_id(account_id)
        if account_id in self._state.accounts:
            raise RuntimeSimError(f"account {account_id!r} already exists: pick another id")
        pk = public_key or ed25519_public_key(account_id)
        key = AccessKey(nonce=0)
        self._state.accounts[account_id] = Account(
            amount=balance,
            storage_usage=params.STORAGE_NUM_BYTES_ACCOUNT + access_key_storage_size(pk, key),
            keys={pk: key})
        return AccountHandle(self, account_id)

    def deploy(self, account_id, contract, balance: Optional[int] = None,
               init: Optional[str] = None, args=None, gas: int = DEFAULT_GAS) -> AccountHandle:
        """Deploy ``contract`` (a ``.py`` / ``.wasm`` / ``.wat`` path, Wasm bytes, WAT text or
        a ContractCode) to ``account_id``, creating the account with ``balance`` if needed
        (default: 10 NEAR, or the storage stake of the code plus 5 NEAR when that is more - a
        contract built by nearc 0.10's CPython backend is about 1.5 MB, 15 NEAR of stake).
        A ``.py`` is built to Wasm (cached) in wasm mode and runs as source in python mode.

        ``init="new", args={...}``: deploy and initialize in ONE transaction the account signs
        (DeployContract + FunctionCall), as on chain: nobody can initialize the contract in
        between, and a private init works.  Raises if the init fails (nothing is deployed)."""
        if init is not None:
            return self._deploy_and_init(account_id, contract, balance, init, args, gas)
        account_id = _id(account_id)
        code = self.contract_code(contract)
        balance = _deploy_balance(code) if balance is None else balance
        existing = self._state.accounts.get(account_id)
        if existing is None:
            self.create_account(account_id, balance)
        acc = self._state.accounts[account_id].clone()
        if existing is None:  # not created unless the deploy succeeds
            del self._state.accounts[account_id]
        acc.storage_usage += len(code.code) - acc.code_len
        acc.code = code
        acc.code_hash = hashlib.sha256(code.code).digest()
        lack = storage_stake_shortfall(acc)
        if lack:
            raise RuntimeSimError(
                f"deploying {len(code.code):,} bytes of code to {account_id} needs "
                f"{fmt_near(acc.storage_usage * params.STORAGE_AMOUNT_PER_BYTE)} for storage "
                f"(docs/protocol.md 6) but it holds {fmt_near(acc.amount)}: pass a larger balance=")
        self._state.accounts[account_id] = acc
        return AccountHandle(self, account_id)

    def _deploy_and_init(self, account_id, contract, balance, init, args, gas) -> AccountHandle:
        account_id = _id(account_id)
        code = self.contract_code(contract)
        balance = _deploy_balance(code) if balance is None else balance
        if account_id not in self._state.accounts:
            self.create_account(account_id, balance)
        out = self.execute(account_id, account_id, [
            DeployContract(code=code.code),
            FunctionCall(method_name=init, args=encode_args(args), gas=gas)])
        if out.status != "success":
            raise RuntimeSimError(f"deploying to {account_id} with init {init!r} failed: "
                                  f"{out.error}")
        return AccountHandle(self, account_id)

    def patch_state(self, account, amount: Optional[int] = None, locked: Optional[int] = None,
                    data: Optional[dict] = None,
                    storage_usage: Optional[int] = None) -> AccountView:
        """Edit an account directly, as ``sandbox_patch_state`` records do (nearcore
        ``Runtime::apply_state_patch``): set its balances and/or ``storage_usage`` (an Account
        record) and write contract data (``{key: value}``, bytes or str; a value of None
        deletes the key).  Data is written as is: like nearcore's Data records it does not
        change ``storage_usage`` (pass ``storage_usage`` to set it).  Not a transaction: no
        gas, no checks."""
        acc = self._get_account(account).clone()
        if amount is not None:
            acc.amount = amount
        if locked is not None:
            acc.locked = locked
        if storage_usage is not None:
            acc.storage_usage = storage_usage
        if data:
            new = dict(acc.data)
            for key, value in data.items():
                key = key.encode() if isinstance(key, str) else bytes(key)
                if value is None:
                    new.pop(key, None)
                else:
                    new[key] = value.encode() if isinstance(value, str) else bytes(value)
            acc.data = new
        self._state.accounts[_id(account)] = acc
        return self.account(account)

    def contract_code(self, contract):
        """A ``vm.ContractCode`` for ``contract`` (see :meth:`deploy`)."""
        from .vm import ContractCode

        if isinstance(contract, ContractCode):
            code = contract
        elif isinstance(contract, (bytes, bytearray)):
            code = ContractCode(self._wasm_bytes(bytes(contract)), kind="wasm")
        elif isinstance(contract, str) and contract.lstrip().startswith("(module"):
            code = ContractCode(self._wasm_bytes(contract.encode()), kind="wasm")
        else:
            path = Path(contract)
            if not path.is_file():
                raise RuntimeSimError(f"contract file {str(path)!r} not found: pass the path "
                                      "of a .py, .wasm or .wat file, or Wasm bytes")
            if path.suffix == ".py":
                if self.mode == "python":
                    code = ContractCode(path.read_bytes(), kind="python", source_path=path,
                                        port=self.port)
                else:
                    from ..builder import build_contract

                    # port="nearc": plain nearc's port, built without near_safe's patches
                    plain = self.port == "nearc" or getattr(self.port, "name", None) == "nearc"
                    wasm = Path(build_contract(path, patches=not plain))
                    code = ContractCode(wasm.read_bytes(), kind="wasm", source_path=path)
            elif path.suffix in (".wasm", ".wat"):
                code = ContractCode(self._wasm_bytes(path.read_bytes()), kind="wasm",
                                    source_path=path)
            else:
                raise RuntimeSimError(f"cannot deploy {str(path)!r}: expected a .py, .wasm "
                                      "or .wat file")
        self._code_by_hash[hashlib.sha256(code.code).digest()] = code
        return code

    @staticmethod
    def _wasm_bytes(data: bytes) -> bytes:
        if data[:4] == b"\0asm":
            return data
        import wasmtime

        return bytes(wasmtime.wat2wasm(data.decode()))

    def _contract_code_for(self, code_bytes: bytes):
        """ContractCode for a DeployContract action's bytes: a code this runtime already knows
        (e.g. a python-mode source deployed by a factory) keeps its kind; else Wasm."""
        from .vm import ContractCode

        known = self._code_by_hash.get(hashlib.sha256(code_bytes).digest())
        return known if known is not None else ContractCode(code_bytes, kind="wasm")

    # ============================================================ transactions

    def submit_transaction(self, signer, receiver, actions: list,
                           public_key: Optional[bytes] = None) -> TxHandle:
        """Queue a transaction for the next block (not run).  Raises InvalidTransaction if it
        is invalid against the current state (docs/protocol.md 1.2, 3.1); it is checked again when
        the block includes it."""
        st = self._state
        signer_id, receiver_id = _id(signer), _id(receiver)
        validate_account_id(receiver_id)
        acc = self._get_account(signer_id)
        pk = public_key if public_key is not None else next(iter(acc.keys), None)
        if pk is None or pk not in acc.keys:
            raise InvalidTransaction("InvalidAccessKeyError",
                                     f"{signer_id} has no such access key; add one with an "
                                     "AddKey action or sign with one of rt.access_keys(...)")
        nonce = max(acc.keys[pk].nonce, st.pending_nonces.get((signer_id, pk), 0)) + 1
        st.counter += 1
        tx = Transaction(derive_id("tx", signer_id, nonce, st.counter), signer_id, pk, nonce,
                         receiver_id, list(actions))
        self._verify_transaction(tx, st.height + 1, charge=False)
        st.pending_nonces[(signer_id, pk)] = nonce
        st.tx_pool.append(tx)
        st.tx_records[tx.tx_id] = make_frozen(
            TxRecord, tx=tx, first_receipt_id=None, conversion_gas=0, conversion_tokens=0,
            outcomes=(), invalid=None, included_at=None)
        return TxHandle(self, tx.tx_id)

    def prepare_transaction(self, signer, receiver, actions: list,
                            public_key: bytes) -> UnsignedTransaction:
        """A transaction for the holder of ``public_key`` (borsh: 0 + 32 bytes) to sign: the
        key's next nonce (pending transactions included) and the current block's hash.  Sign
        its ``.hash`` and pass the signature to :meth:`submit_signed`."""
        st = self._state
        signer_id, receiver_id = _id(signer), _id(receiver)
        acc = st.accounts.get(signer_id)
        key = acc.keys.get(public_key) if acc is not None else None
        nonce = max(key.nonce if key is not None else 0,
                    st.pending_nonces.get((signer_id, public_key), 0)) + 1
        return UnsignedTransaction(signer_id, bytes(public_key), nonce, receiver_id,
                                   block_hash(st.height), tuple(actions))

    def submit_signed(self, tx: UnsignedTransaction, signature: bytes) -> TxHandle:
        """Queue a signed transaction, checked as neard checks it: the ed25519 signature over
        ``tx.hash`` (InvalidSignature), then that the key is one of the signer's access keys
        (InvalidAccessKeyError AccessKeyNotFound), nonce, permission, balance.  The plain
        :meth:`submit_transaction` API skips the signature: the test driving it is trusted."""
        check_signature(tx, signature)
        st = self._state
        validate_account_id(tx.receiver_id)
        if tx.signer_id not in st.accounts:
            raise InvalidTransaction("SignerDoesNotExist",
                                     f"Signer {tx.signer_id} does not exist")
        st.counter += 1
        txn = Transaction(tx.hash, tx.signer_id, tx.public_key, tx.nonce, tx.receiver_id,
                          list(tx.actions))
        self._verify_transaction(txn, st.height + 1, charge=False)
        key = (tx.signer_id, tx.public_key)
        st.pending_nonces[key] = max(st.pending_nonces.get(key, 0), tx.nonce)
        st.tx_pool.append(txn)
        st.tx_records[txn.tx_id] = make_frozen(
            TxRecord, tx=txn, first_receipt_id=None, conversion_gas=0, conversion_tokens=0,
            outcomes=(), invalid=None, included_at=None)
        return TxHandle(self, txn.tx_id)

    def execute_signed(self, tx: UnsignedTransaction, signature: bytes) -> TxOutcome:
        """:meth:`submit_signed` and run to idle; returns its outcome."""
        handle = self.submit_signed(tx, signature)
        self.run()
        return handle.outcome()

    def submit(self, signer, receiver, method: str, args=None, deposit: int = 0,
               gas: int = DEFAULT_GAS, public_key: Optional[bytes] = None) -> TxHandle:
        """Queue a one-FunctionCall transaction (not run)."""
        action = FunctionCall(method_name=method, args=encode_args(args), gas=gas,
                              deposit=deposit)
        return self.submit_transaction(signer, receiver, [action], public_key)

    def call(self, signer, receiver, method: str, args=None, deposit: int = 0,
             gas: int = DEFAULT_GAS, public_key: Optional[bytes] = None) -> TxOutcome:
        """Submit a function call and run to idle; returns its outcome."""
        tx = self.submit(signer, receiver, method, args, deposit, gas, public_key)
        self.run()
        return tx.outcome()

    def execute(self, signer, receiver, actions: list,
                public_key: Optional[bytes] = None) -> TxOutcome:
        """Submit a transaction with any actions (a batch) and run to idle."""
        tx = self.submit_transaction(signer, receiver, actions, public_key)
        self.run()
        return tx.outcome()

    def transfer(self, signer, receiver, amount: int) -> TxOutcome:
        return self.execute(signer, receiver, [Transfer(deposit=amount)])

    def _verify_transaction(self, tx: Transaction, height: int, charge: bool):
        """docs/protocol.md 1.2, 3.1 (see _transactions.py); raises InvalidTransaction."""
        return verify_transaction(self._state, self.config, tx, height, charge)

    def _convert_transaction(self, tx: Transaction) -> Optional[ActionReceipt]:
        """lib.rs ``process_transactions`` (docs/protocol.md 1.3, 3.1): verify, charge, make the
        receipt. An invalid transaction is recorded as such and produces nothing."""
        st = self._state
        record = st.tx_records[tx.tx_id]
        try:
            cost = self._verify_transaction(tx, st.height, charge=True)
        except InvalidTransaction as e:
            st.tx_records[tx.tx_id] = replace(record, invalid=str(e), included_at=st.height)
            return None
        receipt = ActionReceipt(
            receipt_id=derive_id("receipt", tx.tx_id), predecessor_id=tx.signer_id,
            receiver_id=tx.receiver_id, signer_id=tx.signer_id, signer_public_key=tx.public_key,
            gas_price=cost.gas_price, actions=list(tx.actions), tx_id=tx.tx_id)
        st.tx_records[tx.tx_id] = evolve(
            record, first_receipt_id=receipt.receipt_id, conversion_gas=cost.gas_burnt,
            conversion_tokens=cost.burnt_amount, included_at=st.height)
        return receipt

    # ============================================================ blocks (docs/protocol.md 3.2)

    def step(self) -> Optional[ReceiptOutcome]:
        """Run the next receipt and return its outcome; None when idle.  Starts new blocks as
        needed.  Data receipts that only deliver data run silently: the step ends at the next
        action receipt that executes."""
        st = self._state
        while True:
            # a full chunk moves the rest of its shard's queue to the next block
            if st.queue:
                if self._delay_if_block_full():
                    continue
                outcome = self._process_receipt(st.queue.pop(0))
                if outcome is not None:
                    return outcome
                continue
            if st.block_open:
                self._resolve_yield_timeouts()
                st.block_open = False
                continue
            if not st.tx_pool and not st.outgoing:
                return None
            self._start_block()

    def run(self, max_receipts: int = 10_000) -> list:
        """Run to idle (yields still waiting for a resume do not keep it busy: see
        :meth:`produce_blocks`).  Returns the outcomes of the receipts that ran."""
        outcomes = []
        while True:
            outcome = self.step()
            if outcome is None:
                return outcomes
            outcomes.append(outcome)
            if len(outcomes) >= max_receipts:
                raise RuntimeSimError(f"run() executed {max_receipts} receipts without "
                                      "becoming idle: a contract may be calling itself forever")

    def produce_blocks(self, count: int = 1) -> list:
        """Finish the current block, then produce ``count`` more complete blocks (empty or
        not): time passes, so yield timeouts fire (docs/protocol.md 2.8, TV25).  Returns the
        outcomes of the receipts that ran."""
        outcomes = self._finish_block()
        for _ in range(count):
            self._start_block(produced=True)
            outcomes += self._finish_block()
        return outcomes

    def _finish_block(self) -> list:
        st = self._state
        outcomes = []
        while st.queue:
            if self._delay_if_block_full():
                continue
            outcome = self._process_receipt(st.queue.pop(0))
            if outcome is not None:
                outcomes.append(outcome)
        if st.block_open:
            self._resolve_yield_timeouts()
            st.block_open = False
        return outcomes

    def _delay_if_block_full(self) -> bool:
        """docs/protocol.md 3.2: once the block's receipts have burnt the chunk gas limit, the rest
        wait for the next block, where they run after its local receipts and before its incoming
        ones (nearcore's delayed-receipt queue; kept at the head of ``outgoing`` here)."""
        st = self._state
        limit = self.config.limits["chunk_gas_limit"]
        if self.config.shard_boundaries and st.queue:  # one chunk per shard (docs/protocol.md 11)
            shard = self.shard_of(st.queue[0].receiver_id)
            if st.shard_gas.get(shard, 0) < limit:
                return False
            st.outgoing[:0] = [r for r in st.queue if self.shard_of(r.receiver_id) == shard]
            st.queue = [r for r in st.queue if self.shard_of(r.receiver_id) != shard]
            return True
        if not st.queue or st.block_gas < limit:
            return False
        st.outgoing[:0] = st.queue
        st.queue = []
        return True

    def _start_block(self, produced: bool = False) -> None:
        """Open block height + 1: convert the pooled transactions (local receipts first, spec
        3.2 steps 2-3), then the previous block's outgoing receipts (step 5).  ``produced``:
        by produce_blocks (time moves a block time), not to carry work."""
        st = self._state
        st.height += 1
        if self.config.genesis_time_ns is None:
            self._follow_wall_clock(produced)
        if st.height % self.config.epoch_length == 0:
            self._end_epoch()
        incoming, st.outgoing = st.outgoing, []
        local = []
        txs, st.tx_pool = st.tx_pool, []
        for tx in txs:
            receipt = self._convert_transaction(tx)
            if receipt is None:
                continue
            if tx.signer_id == tx.receiver_id:
                local.append(receipt)
            else:
                st.outgoing.append(receipt)
        st.pending_nonces = {}  # the pool is empty now; nonces live in the keys again
        st.queue = local + incoming
        if self.config.shard_boundaries or st.missing_chunks:
            st.queue = self._by_shard(local, incoming)
        st.block_open = True
        st.block_gas = 0
        st.shard_gas = {}

    # ============================================================ shards (docs/protocol.md 11)

    def shard_of(self, account) -> int:
        """The shard ``account`` lives on: the number of ``config.shard_boundaries`` <= its id
        (nearcore ShardLayout ``account_id_to_shard_id``); 0 with one shard."""
        return bisect_right(self.config.shard_boundaries, _id(account))

    def skip_chunks(self, shard: int, blocks: int = 1) -> None:
        """Shard ``shard`` produces no chunk in the next ``blocks`` blocks (a chunk producer
        offline, as happens on chain): the receipts it would run wait, the other shards go on.
        Transactions are still converted (APPROXIMATION: nearcore includes none in a missing
        chunk)."""
        if not isinstance(shard, int) or isinstance(shard, bool) or not (
                0 <= shard <= len(self.config.shard_boundaries)):
            raise RuntimeSimError(f"rt.skip_chunks({shard!r}): pass a shard id from 0 to "
                                  f"{len(self.config.shard_boundaries)} "
                                  "(Config.shard_boundaries sets the shards)")
        if not isinstance(blocks, int) or isinstance(blocks, bool) or blocks < 1:
            raise RuntimeSimError(f"rt.skip_chunks(blocks={blocks!r}): pass a number >= 1")
        st = self._state
        st.missing_chunks[shard] = max(st.missing_chunks.get(shard, 0), st.height + blocks)

    def _arrival(self, receipt) -> int:
        """The block an outgoing receipt runs in: the next, or the first with a chunk on its
        shard (a delayed receipt may wait longer still)."""
        st = self._state
        missing = st.missing_chunks.get(self.shard_of(receipt.receiver_id)) if \
            st.missing_chunks else None
        return st.height + 1 if missing is None else max(st.height + 1, missing + 1)

    def _by_shard(self, local: list, incoming: list) -> list:
        """A block's receipts shard by shard (docs/protocol.md 3.2, 11): each shard's local
        receipts, then its delayed ones (at the head of ``incoming``), then its incoming ones
        in the order they were sent.  A shard whose chunk is missing keeps them waiting."""
        st = self._state
        shards = {}
        for receipt in local + incoming:
            shards.setdefault(self.shard_of(receipt.receiver_id), []).append(receipt)
        queue, waiting = [], []
        for shard in sorted(shards):
            missing = st.missing_chunks.get(shard, -1) >= st.height
            (waiting if missing else queue).extend(shards[shard])
        st.outgoing[:0] = waiting
        st.missing_chunks = {k: h for k, h in st.missing_chunks.items() if h > st.height}
        return queue

    def _end_epoch(self) -> None:
        """The block just opened starts an epoch (docs/protocol.md 10): the validators of two
        epochs on are selected, rewards are added to validators' locked balance and locked
        balance no longer at stake goes back to ``amount`` (runtime lib.rs
        ``update_validator_accounts``; the treasury's share to its ``amount``)."""
        st, cfg = self._state, self.config
        epochs = self._epochs()
        supply = sum(a.amount + a.locked for a in st.accounts.values())
        supply += sum(s for a, s in epochs.current.validators.items() if a not in st.accounts)
        st.epochs, reward, keep = _validators.end_epoch(
            cfg, epochs, supply, self.block_timestamp(st.height - 1))
        for account_id in set(keep) | set(reward):
            acc = st.accounts.get(account_id)
            if acc is None:  # a genesis validator that is no account here
                continue
            r = reward.get(account_id, 0)
            acc = acc.clone()
            if account_id not in keep:  # the treasury, not staking
                acc.amount += r
            else:
                locked = acc.locked + r
                if locked < keep[account_id]:  # an account named like a genesis validator
                    continue
                acc.amount += locked - keep[account_id]
                acc.locked = keep[account_id]
            st.accounts[account_id] = acc

    @property
    def epoch_height(self) -> int:
        """The current epoch's height (``block height // config.epoch_length``)."""
        return self._state.height // self.config.epoch_length

    def validators(self) -> dict:
        """The current epoch's validators, ``{account: stake}`` (docs/protocol.md 10)."""
        return dict(self._epochs().current.validators)

    def seat_price(self) -> int:
        """The next epoch's seat price: the least stake a proposal needs to be selected;
        a Stake action needs a tenth of it (``minimum_stake_divisor``)."""
        return self._epochs().next.seat_price

    def _epochs(self):
        """The validator state (a state made before validators existed gets the genesis)."""
        st = self._state
        if st.epochs is None:
            st.epochs = _validators.genesis(self.config, st.genesis_time_ns)
        return st.epochs

    def _resolve_yield_timeouts(self) -> None:
        """docs/protocol.md 3.2 step 6: yields whose timeout has come emit PromiseResume{None}."""
        st = self._state
        if not st.yields:
            return
        for key, y in list(st.yields.items()):
            if not y.timeout_sent and y.expires_at <= st.height:
                st.yields[key] = replace(y, timeout_sent=True)
                st.outgoing.append(DataReceipt(self._new_id("receipt"), y.receipt.receiver_id,
                                               y.receipt.receiver_id, y.data_id, None,
                                               is_resume=True, tx_id=y.receipt.tx_id))

    # ============================================================ receipts (docs/protocol.md 3.3)

    def _process_receipt(self, receipt) -> Optional[ReceiptOutcome]:
        """lib.rs ``process_receipt``: deliver data, postpone or apply."""
        st = self._state
        if isinstance(receipt, DataReceipt):
            if receipt.is_resume:
                return self._process_resume(receipt)
            key = (receipt.receiver_id, receipt.data_id)
            st.received_data[key] = receipt.data
            receipt_id = st.postponed_by_data.pop(key, None)
            if receipt_id is None:
                return None
            pkey = (receipt.receiver_id, receipt_id)
            st.pending_data_count[pkey] -= 1
            if st.pending_data_count[pkey]:
                return None
            del st.pending_data_count[pkey]
            return self._apply_action_receipt(st.postponed.pop(pkey))
        missing = 0
        for data_id in receipt.input_data_ids:
            key = (receipt.receiver_id, data_id)
            if key not in st.received_data:
                st.postponed_by_data[key] = receipt.receipt_id
                missing += 1
        if not missing:
            return self._apply_action_receipt(receipt)
        pkey = (receipt.receiver_id, receipt.receipt_id)
        st.pending_data_count[pkey] = missing
        st.postponed[pkey] = receipt
        return None

    def _process_resume(self, receipt: DataReceipt) -> Optional[ReceiptOutcome]:
        """PromiseResume: the first resume delivered wins; later ones are ignored
        (docs/protocol.md 2.8)."""
        st = self._state
        y = st.yields.pop((receipt.receiver_id, receipt.data_id), None)
        if y is None:
            return None
        st.received_data[(receipt.receiver_id, receipt.data_id)] = receipt.data
        return self._apply_action_receipt(y.receipt)

    def _apply_action_receipt(self, receipt: ActionReceipt) -> ReceiptOutcome:
        """lib.rs ``apply_action_receipt`` (docs/protocol.md 3.4), step by step."""
        if self._peeking:  # next_receipt(): step() chose this receipt; do not run it
            raise _Peeked(receipt)
        st, cfg = self._state, self.config
        for hook in self.before_receipt_hooks:
            hook(self, receipt)
        # 1. promise results, in input_data_ids order; consume the received data
        results = [st.received_data.pop((receipt.receiver_id, d)) for d in receipt.input_data_ids]
        # 2. the receiver's account (a clone: the committed one stays intact for rollback)
        committed = st.accounts.get(receipt.receiver_id)
        run = ReceiptRun(_ActionHost(self), receipt,
                         committed.clone() if committed else None,
                         actor_id=receipt.predecessor_id, promise_results=results)
        run.gas_burnt = run.gas_used = receipt_exec_fee(cfg)
        # 3. the actions, stopping at the first failure; from protocol 87 a receipt whose
        # promise inputs (borsh ReceivedData: 1 + 4 + len each) exceed
        # max_receipt_total_input_size fails without running any (docs/protocol.md 3.4)
        size = sum(1 if d is None else 5 + len(d) for d in results)
        limit = cfg.limits["max_receipt_total_input_size"]
        if size > limit:
            error = ActionError(None, "TotalPromiseInputSizeExceeded",
                                f"The total size of the receipt's promise inputs {size} "
                                f"exceeds the limit {limit}", data={"size": size, "limit": limit})
        else:
            error = self._apply_actions(run)
        # 4. storage staking of the receiver (docs/protocol.md 6)
        if error is None and run.account is not None:
            lack = storage_stake_shortfall(run.account)
            if lack:
                error = ActionError(None, "LackBalanceForState",
                                    f"The account {receipt.receiver_id} wouldn't have enough "
                                    f"balance to cover storage, required to have {lack} "
                                    "yoctoNEAR more", data={"account_id": receipt.receiver_id,
                                                            "amount": lack})
        if error is not None:  # a failed receipt creates nothing (docs/protocol.md 4.1)
            run.new_receipts.clear()
            run.yield_resumes.clear()
        # 5. refunds (and, from protocol 85, the account creation charge)
        created = error is None and committed is None and run.account is not None
        refunds, charge = self._refunds(run, error, created)
        # 6. commit, or discard every change of this receipt
        if error is None:
            if run.account is None:
                st.accounts.pop(receipt.receiver_id, None)
            else:
                st.accounts[receipt.receiver_id] = run.account
            for account_id, stake in run.proposals:
                st.epochs = _validators.propose(self._epochs(), account_id, stake)
        # 7. burn accounting and the contract's 30% reward (0 from protocol 87), also after a
        # failure; gas is burnt at the burn price (docs/protocol.md 3.4 step 7, 5.4)
        price = _burn_price(cfg, receipt)
        tokens_burnt = 0 if receipt.is_refund else run.gas_burnt * price + charge
        num, den = cfg.burnt_gas_reward
        reward = (run.vm_gas_burnt * num // den) * price
        if reward and receipt.receiver_id in st.accounts:
            rewarded = st.accounts[receipt.receiver_id].clone()
            rewarded.amount += reward
            st.accounts[receipt.receiver_id] = rewarded
        elif reward:
            reward = 0
        # 8. outgoing data for the receivers waiting on this receipt's result
        data_receipts = self._output_data(run, error)
        # 9. emit, in nearcore's order (docs/protocol.md 3.4)
        resumes = [DataReceipt(self._new_id("receipt"), receipt.receiver_id, receipt.receiver_id,
                               r.data_id, r.payload, is_resume=True, tx_id=receipt.tx_id)
                   for r in run.yield_resumes]
        emitted = run.new_receipts + resumes + refunds + data_receipts
        instant = []
        for new in emitted:
            if isinstance(new, ActionReceipt) and new.is_yield:  # InstantPromiseYield (v83+)
                data_id = new.input_data_ids[0]
                st.yields[(new.receiver_id, data_id)] = Yield(
                    new, data_id, st.height + cfg.limits["yield_timeout_length_in_blocks"])
            elif _is_instant_delete_account(new, cfg):
                instant.append(new)
            else:
                st.outgoing.append(new)
        st.queue[:0] = instant  # processed right after this receipt (docs/protocol.md 3.2)
        # 10. the outcome
        st.block_gas += run.gas_burnt
        if cfg.shard_boundaries:
            shard = self.shard_of(receipt.receiver_id)
            st.shard_gas[shard] = st.shard_gas.get(shard, 0) + run.gas_burnt
        outcome = self._outcome(run, error, tokens_burnt, reward, emitted)
        record = st.tx_records.get(receipt.tx_id)
        if record is not None:
            st.tx_records[receipt.tx_id] = evolve(record, outcomes=record.outcomes + (outcome,))
        return outcome

    def _apply_actions(self, run: ReceiptRun) -> Optional[ActionError]:
        """docs/protocol.md 3.4 step 3: each action pays its exec fee, runs, and has its new
        receipts validated (docs/protocol.md 4.9); the first failure stops the receipt."""
        cfg = self.config
        for index, action in enumerate(run.receipt.actions):
            fee = exec_fee(cfg, action, run.receiver_id)
            run.gas_burnt += fee
            run.gas_used += fee
            created_before = len(run.new_receipts)
            try:
                apply_action(run, action, index)
                for new in run.new_receipts[created_before:]:  # earlier ones passed already
                    self._validate_new_receipt(new)
            except ActionFailed as failure:
                return failure.to_error(index)
        return None

    def _validate_new_receipt(self, receipt: ActionReceipt) -> None:
        try:
            validate_actions(self.config, receipt.actions)
        except ActionsValidationError as e:
            raise ActionFailed("NewReceiptValidationError",
                               "An new action receipt created during a FunctionCall is not "
                               f"valid: {e.message}", detail=e.kind) from None

    def _refunds(self, run: ReceiptRun, error: Optional[ActionError], created: bool) -> tuple:
        """docs/protocol.md 3.4 step 5 / docs/protocol.md 4.3-4.5: the deposit back to refund_to or
        the predecessor if the receipt failed, unused gas to the signer at the receipt's
        (purchase) price, plus the difference between purchase and burn price of the burnt gas
        before protocol 78 and from 85, less the account creation charge from 85 (lib.rs
        ``refund_unspent_gas_and_deposits``).  Refund receipts themselves refund nothing (a
        failed refund's amount is burnt).  Returns (receipts, account creation charge)."""
        receipt, cfg = run.receipt, self.config
        if receipt.is_refund:
            return [], 0
        out = []
        deposit_refund = total_deposit(receipt.actions) if error is not None else 0
        prepaid = (total_prepaid_gas(receipt.actions)  # + a Delegate's inner send fees
                   + total_prepaid_send_fees(cfg, receipt.actions)
                   + total_prepaid_exec_fees(cfg, receipt.actions, receipt.receiver_id))
        gas_refund = prepaid - (run.gas_burnt if error is not None else run.gas_used)
        # NEP-536 refund penalty: gas_refund_penalty 0/100, min 0 at every version here -> 0
        amount = gas_refund * receipt.gas_price
        burn = _burn_price(cfg, receipt)
        surplus = 0
        if cfg.feature("refund_gas_price_changes") or cfg.feature("account_cost_increase"):
            surplus = max(0, receipt.gas_price - burn) * run.gas_burnt
        charge = 0
        if created and cfg.feature("account_cost_increase"):
            burnt_cost = cfg.action_fees["create_account"].execution * burn
            charge = min(max(0, cfg.account_creation_charge - burnt_cost), surplus)
        amount += surplus - charge
        if deposit_refund > 0:
            out.append(self._balance_refund(receipt, receipt.refund_to or receipt.predecessor_id,
                                            deposit_refund))
        if amount > 0:
            out.append(ActionReceipt(
                self._new_id("receipt"), SYSTEM_ACCOUNT, receipt.signer_id, receipt.signer_id,
                receipt.signer_public_key, receipt.gas_price,
                [Transfer(deposit=amount)], tx_id=receipt.tx_id))
        return out, charge

    def _balance_refund(self, receipt: ActionReceipt, to: str, amount: int) -> ActionReceipt:
        """A deposit ('balance') refund: predecessor and signer ``system``
        (docs/protocol.md 1.4)."""
        return ActionReceipt(self._new_id("receipt"), SYSTEM_ACCOUNT, to, SYSTEM_ACCOUNT,
                             ZERO_PUBLIC_KEY, receipt.gas_price, [Transfer(deposit=amount)],
                             tx_id=receipt.tx_id)

    def _output_data(self, run: ReceiptRun, error: Optional[ActionError]) -> list:
        """docs/protocol.md 3.4 step 8 / 3.6: hand a returned promise our data receivers, or send
        our result (None if we failed) to each of them."""
        receipt = run.receipt
        if not receipt.output_data_receivers:
            return []
        if error is None and run.result is not None and run.result[0] == "receipt":
            run.result[1].output_data_receivers.extend(receipt.output_data_receivers)
            return []
        if error is not None:
            data = None
        else:
            data = run.result[1] if run.result is not None else b""
        return [DataReceipt(self._new_id("receipt"), receipt.receiver_id, receiver, data_id, data,
                            tx_id=receipt.tx_id)
                for data_id, receiver in receipt.output_data_receivers]

    def _outcome(self, run: ReceiptRun, error, tokens_burnt, reward, emitted) -> ReceiptOutcome:
        receipt = run.receipt
        raw_value = return_hash = None
        if error is None:
            if run.result is not None and run.result[0] == "receipt":
                return_hash = run.result[1].receipt_id
            else:
                raw_value = run.result[1] if run.result is not None else b""
        return make_frozen(
            ReceiptOutcome, receipt_hash=receipt.receipt_id, receiver=receipt.receiver_id,
            predecessor=receipt.predecessor_id, signer=receipt.signer_id,
            method=receipt.method, actions=tuple(type(a).__name__ for a in receipt.actions),
            status="success" if error is None else "failure", raw_value=raw_value,
            return_receipt_hash=return_hash, failure=error, logs=tuple(run.logs),
            gas_burnt=run.gas_burnt, tokens_burnt=tokens_burnt, vm_gas_burnt=run.vm_gas_burnt,
            contract_reward=reward, block_height=self._state.height,
            is_refund=receipt.is_refund,
            produced_hashes=tuple(r.receipt_id for r in emitted
                                  if isinstance(r, ActionReceipt)),
            deposit=total_deposit(receipt.actions), tx_hash=receipt.tx_id,
            vm_profiles=tuple(run.profiles), view=make_frozen(
                ReceiptView, signer_public_key=receipt.signer_public_key,
                gas_price=receipt.gas_price, actions=tuple(receipt.actions),
                input_data_ids=tuple(receipt.input_data_ids),
                output_data_receivers=tuple(receipt.output_data_receivers),
                is_promise_yield=receipt.is_yield, refund_to=receipt.refund_to))

    def _receipt_from_vm(self, parent: ActionReceipt, new) -> ActionReceipt:
        """A NewReceipt from the VM becomes an ActionReceipt: predecessor = the contract,
        signer and gas price copied from the executing receipt (docs/protocol.md 1.4)."""
        return ActionReceipt(
            self._new_id("receipt"), parent.receiver_id, new.receiver_id, parent.signer_id,
            parent.signer_public_key, parent.gas_price, list(new.actions),
            input_data_ids=[new.yield_data_id] if new.is_yield else [],
            refund_to=new.refund_to, is_yield=new.is_yield, tx_id=parent.tx_id,
            yield_id=new.yield_id)

    def _new_id(self, kind: str) -> bytes:
        st = self._state
        st.counter += 1
        return derive_id(kind, st.counter)

    # ============================================================ the VM

    def _execute_vm(self, code, method: str, context: VMContext, storage: dict,
                    receipt: Optional[ActionReceipt]) -> VMOutcome:
        if receipt is None or not (self._faults or self.vm_wrappers):
            return vm.run(code, method, context, storage, _Ext(self), self.config)
        call = FunctionCallSite(code, method, context, storage)
        execute = self._wrapped(call, 0)
        kind = self._take_fault(context.current_account_id, method) if self._faults else None
        if kind is None:
            return execute()
        return self.fault_kinds[kind](self, call, execute)

    def _wrapped(self, call, index: int):
        """The call run through ``vm_wrappers[index:]``, then the VM."""
        if index == len(self.vm_wrappers):
            return lambda: vm.run(call.code, call.method, call.context, call.storage,
                                  _Ext(self), self.config)
        wrapper, inner = self.vm_wrappers[index], self._wrapped(call, index + 1)
        return lambda: wrapper(call, inner)

    # ------------------------------------------------------------ failure injection

    def inject(self, kind: str, receiver=None, method: Optional[str] = None) -> None:
        """Make the next function call (to ``receiver`` and ``method``, if given) behave as
        fault ``kind``, one of ``rt.fault_kinds`` (built in: see FAULT_KINDS; a tool adds its
        own with :meth:`register_fault`).  Faults apply to receipts, never to views."""
        if kind not in self.fault_kinds:
            raise RuntimeSimError(f"inject({kind!r}): unknown fault kind; use one of "
                                  f"{sorted(self.fault_kinds)} or rt.register_fault(name, fn)")
        self._faults.append((None if receiver is None else _id(receiver), method, kind))

    def clear_faults(self) -> None:
        """Forget injected faults that have not been applied yet."""
        self._faults = []

    def register_fault(self, name: str, fn) -> None:
        """Add a fault kind to this runtime: ``fn(rt, call, execute) -> VMOutcome``, where
        ``call`` is the :class:`FunctionCallSite` and ``execute()`` runs it normally."""
        if not callable(fn):
            raise RuntimeSimError(f"register_fault({name!r}, {fn!r}): give a function "
                                  "(rt, call, execute) -> VMOutcome")
        self.fault_kinds[name] = fn

    def fail_next(self, receiver, method: Optional[str] = None, kind: str = "panic") -> None:
        """Make the next function call to ``receiver`` (and ``method``, if given) fail.
        ``kind="panic"``: the call runs, then aborts with GuestPanic('injected failure'),
        keeping the gas it burnt; ``kind="out_of_gas"``: it aborts with GasExceeded having
        burnt all its prepaid gas (like a contract stuck in a loop)."""
        if kind not in ("panic", "out_of_gas"):
            raise RuntimeSimError(f"fail_next(kind={kind!r}): use 'panic' or 'out_of_gas'")
        self.inject(kind, receiver, method)

    def _take_fault(self, receiver: str, method: str):
        for i, (r, m, kind) in enumerate(self._faults):
            if (r is None or r == receiver) and (m is None or m == method):
                del self._faults[i]
                return kind
        return None

    # ------------------------------------------------------------ look-ahead

    def next_receipt(self) -> Optional[UpcomingReceipt]:
        """The action receipt :meth:`step` will run next (None when idle), without running
        it.  Computed by ``step()`` itself on a copy of the state, stopped where it would
        apply the receipt: the prediction and the order cannot drift apart."""
        saved = self._state
        self._state = saved.copy()
        self._peeking = True
        try:
            self.step()
        except _Peeked as peeked:
            return _upcoming(peeked.receipt, "action", self._state)
        finally:
            self._state = saved
            self._peeking = False
        return None

    def upcoming(self) -> list:
        """Every action receipt and pooled transaction that has not run yet, as
        :class:`UpcomingReceipt` (with its deposit and function call), in the order of
        :meth:`pending`; data receipts are left out (a receipt waiting for data says so)."""
        st = self._state
        out = [_upcoming(r, "action", st) for r in st.queue + st.outgoing
               if isinstance(r, ActionReceipt)]
        out += [_upcoming(r, "postponed", st) for r in st.postponed.values()]
        out += [_upcoming(y.receipt, "yield", st) for y in st.yields.values()]
        out += [_upcoming(ActionReceipt(tx.tx_id, tx.signer_id, tx.receiver_id, tx.signer_id,
                                        tx.public_key, 0, list(tx.actions), tx_id=tx.tx_id),
                          "transaction", st) for tx in st.tx_pool]
        return out

    def storage_view(self, account) -> dict:
        """The contract's committed data itself, not a copy (:meth:`storage` copies).  Read
        only: the runtime never mutates it and replaces it whenever a receipt commits, so its
        identity tells a tool whether the data changed."""
        return self._get_account(account).data

    # ============================================================ views

    def view(self, account, method: str, args=None):
        """Run a view call (no receipt, no state change) and return its decoded value.
        Raises ExecutionFailure if it aborts."""
        outcome = self.view_outcome(account, method, args)
        if outcome.aborted is not None:
            raise ExecutionFailure(f"view {_id(account)}.{method} failed: "
                                   f"{outcome.aborted.message}", outcome)
        if outcome.return_data is None or outcome.return_data[0] != "value":
            return None
        return decode_value(bytes(outcome.return_data[1]))

    def view_outcome(self, account, method: str, args=None) -> VMOutcome:
        """The raw VMOutcome of a view call (logs, gas, return data)."""
        account_id = _id(account)
        acc = self._get_account(account_id)
        if acc.code is None:
            raise ExecutionFailure(f"view {account_id}.{method} failed: cannot find contract "
                                   f"code for account {account_id}")
        h = self._state.height
        context = VMContext(
            current_account_id=account_id, signer_account_id=account_id,
            signer_account_pk=b"", predecessor_account_id=account_id,
            refund_to_account_id=account_id, input=encode_args(args), promise_results=[],
            block_height=h, block_timestamp=self.block_timestamp(h),
            epoch_height=h // self.config.epoch_length, random_seed=bytes(32),
            account_balance=acc.amount, account_locked_balance=acc.locked,
            storage_usage=acc.storage_usage, attached_deposit=0,
            prepaid_gas=self.config.limits["max_gas_burnt_view"], is_view=True)
        return self._execute_vm(acc.code, method, context, acc.data, None)

    # ============================================================ pending / outcomes

    def pending(self) -> list:
        """Receipts (and pooled transactions) that have not run yet, in the order they will:
        this block's queue, the next block's, then those waiting for data or a resume.  A
        receipt whose input data has not arrived is ``waiting_for_data`` (``runs_at`` None),
        even while it is still travelling to its receiver."""
        st = self._state
        out = [self._pending(r, st.height) for r in st.queue]
        out += [self._pending(r, self._arrival(r)) for r in st.outgoing]
        out += [self._pending(r, None) for r in st.postponed.values()]
        out += [replace(self._pending(y.receipt, None), kind="yield", waiting_for_data=True,
                        runs_at=None)
                for y in st.yields.values()]
        for tx in st.tx_pool:
            local = tx.signer_id == tx.receiver_id
            out.append(PendingReceipt("transaction", base58(tx.tx_id), tx.receiver_id,
                                      tx.signer_id, _first_method(tx.actions), False,
                                      st.height + (1 if local else 2), False, base58(tx.tx_id)))
        return out

    def _pending(self, receipt, runs_at) -> PendingReceipt:
        if isinstance(receipt, DataReceipt):
            return PendingReceipt("resume" if receipt.is_resume else "data",
                                  base58(receipt.receipt_id), receipt.receiver_id,
                                  receipt.predecessor_id, None, False, runs_at,
                                  tx_id=base58(receipt.tx_id))
        received = self._state.received_data
        waiting = any((receipt.receiver_id, d) not in received for d in receipt.input_data_ids)
        return PendingReceipt("action", base58(receipt.receipt_id), receipt.receiver_id,
                              receipt.predecessor_id, receipt.method, waiting,
                              None if waiting else runs_at, receipt.is_refund,
                              base58(receipt.tx_id))

    def _tx_pending(self, tx_id: bytes) -> bool:
        st = self._state
        if any(tx.tx_id == tx_id for tx in st.tx_pool):
            return True
        for r in st.queue + st.outgoing + list(st.postponed.values()):
            if r.tx_id == tx_id:
                return True
        return any(y.receipt.tx_id == tx_id for y in st.yields.values())

    def tx_outcome(self, tx_id: bytes) -> TxOutcome:
        record = self._state.tx_records.get(tx_id)
        if record is None:
            raise RuntimeSimError(f"transaction {base58(tx_id)} is unknown to this runtime: it "
                                  "was submitted after the snapshot that was restored; submit "
                                  "it again")
        tx = record.tx
        status, raw, failure = "pending", None, None
        if record.invalid:
            status = "invalid"
        elif not self._tx_pending(tx_id):
            status, raw, failure = _final_result(record)
        return make_frozen(
            TxOutcome, tx_hash=tx_id, signer=tx.signer_id, receiver=tx.receiver_id,
            status=status, raw_value=raw, final_failure=failure, receipts=record.outcomes,
            conversion_gas_burnt=record.conversion_gas,
            conversion_tokens_burnt=record.conversion_tokens, invalid=record.invalid,
            included_at=record.included_at)

    # ============================================================ snapshots

    def snapshot(self) -> Snapshot:
        """Cheap: committed accounts are never mutated in place, so this copies a few dicts
        whose values are shared (see _state.py)."""
        return Snapshot(self._state.copy())

    def restore(self, snapshot: Snapshot) -> None:
        """Return to ``snapshot``'s state; the snapshot stays usable for later restores."""
        self._state = snapshot._state.copy()

    def __repr__(self):
        return (f"<Runtime mode={self.mode} height={self.height} "
                f"accounts={len(self._state.accounts)} pending={len(self.pending())}>")


def _burn_price(config, receipt) -> int:
    """The price a receipt's gas is burnt at: the block's, and from protocol 85 never above the
    receipt's purchase price (lib.rs ``gas_burn_price``; docs/protocol.md 5.4)."""
    if config.feature("account_cost_increase"):
        return min(receipt.gas_price, config.gas_price)
    return config.gas_price


def _protocol_config(config, protocol) -> params.Config:
    """Runtime(config=, protocol=): the protocol's parameters (docs/protocol.md section 8)."""
    if protocol is None:
        return config or params.Config()
    try:
        if config is None:
            return params.Config.for_protocol(protocol)
        if config.protocol_version != protocol:
            raise RuntimeSimError(
                f"Runtime(protocol={protocol}, config=...): the config is protocol "
                f"{config.protocol_version}; pass config.with_protocol({protocol}) or one of them")
        return config
    except ValueError as e:
        raise RuntimeSimError(f"Runtime(protocol={protocol!r}): {e}") from None


def _is_instant_delete_account(receipt, config) -> bool:
    """InstantDeleteAccount (protocol 83+, docs/protocol.md 3.2): an action receipt holding a single
    DeleteAccount action is processed immediately after the receipt that produced it."""
    return (config.feature("instant_delete_account") and isinstance(receipt, ActionReceipt)
            and len(receipt.actions) == 1 and isinstance(receipt.actions[0], DeleteAccount))


def _first_method(actions) -> Optional[str]:
    for a in actions:
        if isinstance(a, FunctionCall):
            return a.method_name
    return None


def _final_result(record: TxRecord):
    """docs/protocol.md 3.6: follow SuccessReceiptId links from the first receipt to a value or
    failure."""
    by_id = {o.receipt_hash: o for o in record.outcomes}
    current = by_id.get(record.first_receipt_id) if record.first_receipt_id else None
    while current is not None:
        if current.failure is not None:
            return "failure", None, current.failure
        if current.return_receipt_hash is None:
            return "success", current.raw_value, None
        current = by_id.get(current.return_receipt_hash)
    return "pending", None, None


@dataclass(frozen=True)
class FunctionCallSite:
    """One function call of a receipt, as fault kinds and ``vm_wrappers`` see it."""

    code: object  # vm.ContractCode
    method: str
    context: VMContext
    storage: dict  # the committed data (read only)


@dataclass(frozen=True)
class UpcomingReceipt:
    """An action receipt (or a pooled transaction) that has not run yet, for tools:
    :meth:`Runtime.next_receipt` and :meth:`Runtime.upcoming`.

    ``kind``: 'action' (queued), 'postponed' (waiting for data), 'yield', 'transaction'.
    ``method``/``args``/``gas``: its first FunctionCall (None/b""/0 without one); ``deposit``:
    the sum over its actions; ``waits_for_data``: it takes promise results (a callback)."""

    kind: str
    receiver: str
    predecessor: str
    signer: str
    method: Optional[str]
    args: bytes
    deposit: int
    gas: int
    actions: tuple  # action class names
    is_refund: bool
    waits_for_data: bool
    receipt_id: bytes
    tx_id: bytes
    refund_to: Optional[str] = None  # where a failure's deposit goes (None: the predecessor)


class _Peeked(Exception):
    def __init__(self, receipt):
        super().__init__()
        self.receipt = receipt


def _upcoming(receipt: ActionReceipt, kind: str, st: State) -> UpcomingReceipt:
    fc = next((a for a in receipt.actions if isinstance(a, FunctionCall)), None)
    return UpcomingReceipt(
        kind, receipt.receiver_id, receipt.predecessor_id, receipt.signer_id,
        fc.method_name if fc else None, bytes(fc.args) if fc else b"",
        total_deposit(receipt.actions), fc.gas if fc else 0,
        tuple(type(a).__name__ for a in receipt.actions), receipt.is_refund,
        bool(receipt.input_data_ids), receipt.receipt_id, receipt.tx_id, receipt.refund_to)


# ------------------------------------------------------------------ built-in fault kinds
# Each is fn(rt, call, execute) -> VMOutcome; ``execute()`` runs the call normally.  They are
# the ways a function-call receipt fails on chain (docs/protocol.md 3.5, 4).

def _fault_panic(rt, call, execute):
    """The call runs, then aborts with GuestPanic; the gas it burnt stays burnt."""
    out = execute()
    return VMOutcome(out.balance, out.storage_usage, None, out.burnt_gas, out.used_gas,
                     list(out.logs),
                     FunctionCallError("GuestPanic", "Smart contract panicked: injected failure"))


def _fault_out_of_gas(rt, call, execute):
    """The call runs, then aborts with GasExceeded having burnt all its prepaid gas
    (docs/protocol.md 4 rule 6), like a contract stuck in a loop."""
    out = execute()
    burnt = min(call.context.prepaid_gas, rt.config.limits["max_gas_burnt"])
    return VMOutcome(out.balance, out.storage_usage, None, burnt, burnt, list(out.logs),
                     FunctionCallError("GasExceeded", "Exceeded the prepaid gas."))


def _fault_missing_account(rt, call, execute):
    """ActionError AccountDoesNotExist: only exec fees burnt, prepaid gas and deposit refunded
    (docs/protocol.md 3.5 step 1; raised where the VM would run, nearcore checks just before: the
    error, gas, refunds and what a callback sees are the same)."""
    account_id = call.context.current_account_id
    raise ActionFailed("AccountDoesNotExist", f"Can't complete the action because account "
                       f"{account_id} doesn't exist (injected)", account_id=account_id)


def _fault_missing_method(rt, call, execute):
    """FunctionCallError MethodNotFound with a nop outcome: no VM gas, no loading fee."""
    return VMOutcome(call.context.account_balance, call.context.storage_usage, None, 0, 0,
                     aborted=FunctionCallError("MethodNotFound",
                                               "MethodResolveError(MethodNotFound)"), nop=True)


def _fault_oversized_result(rt, call, execute):
    """The call runs, then returns more than max_length_returned_data: HostError
    ReturnedValueLengthExceeded, its gas stays burnt (docs/protocol.md 2.5 value_return, 5.3)."""
    out = execute()
    if out.aborted is not None:
        return out
    limit = rt.config.limits["max_length_returned_data"]
    return VMOutcome(out.balance, out.storage_usage, None, out.burnt_gas, out.used_gas,
                     list(out.logs),
                     FunctionCallError("HostError", f"The length of a returned value "
                                       f"{limit + 1} exceeds the limit {limit}",
                                       detail="ReturnedValueLengthExceeded"))


#: The fault kinds every runtime accepts in :meth:`Runtime.inject` (copied per runtime; add
#: more with :meth:`Runtime.register_fault`).
FAULT_KINDS = {"panic": _fault_panic, "out_of_gas": _fault_out_of_gas,
               "missing_account": _fault_missing_account,
               "missing_method": _fault_missing_method,
               "oversized_result": _fault_oversized_result}


class _ActionHost:
    """The runtime as the actions see it (_actions.ActionHost, the one boundary between
    _actions.py and this module; tests/runtime/test_tool_surface.py holds _actions.py to it)."""

    __slots__ = ("config", "_rt")

    def __init__(self, runtime: Runtime):
        self.config, self._rt = runtime.config, runtime

    @property
    def height(self) -> int:
        return self._rt.height

    def block_timestamp(self, height: int) -> int:
        return self._rt.block_timestamp(height)

    def code_for_deploy(self, code: bytes):
        return self._rt._contract_code_for(code)

    def execute(self, code, method: str, context: VMContext, storage: dict,
                receipt: ActionReceipt) -> VMOutcome:
        return self._rt._execute_vm(code, method, context, storage, receipt)

    def receipt_from_vm(self, parent: ActionReceipt, new) -> ActionReceipt:
        return self._rt._receipt_from_vm(parent, new)

    def balance_refund(self, receipt: ActionReceipt, to: str, amount: int) -> ActionReceipt:
        return self._rt._balance_refund(receipt, to, amount)

    def new_data_id(self) -> bytes:
        return self._rt._new_id("data")

    def minimum_stake(self) -> int:
        return _validators.minimum_stake(self.config, self._rt._epochs())


class _Ext:
    """What the VM asks the runtime during a call (see vm.run)."""

    def __init__(self, runtime: Runtime):
        self._rt = runtime

    def new_data_id(self) -> bytes:
        return self._rt._new_id("data")

    def validator_stake(self, account_id: str) -> int:
        return _validators.stake_of(self._rt._state.epochs, account_id)

    def validator_total_stake(self) -> int:
        return _validators.total_stake(self._rt._state.epochs)

    def yield_is_pending(self, account_id: str, data_id: bytes) -> bool:
        return (account_id, bytes(data_id)) in self._rt._state.yields

    def yield_data_id(self, account_id: str, yield_id: bytes):
        """The data id of ``account_id``'s pending yield created with ``yield_id`` (protocol
        85+; nearcore's YieldIdToDataId row lives as long as the yield waits), or None."""
        for (receiver, data_id), y in self._rt._state.yields.items():
            if receiver == account_id and y.receipt.yield_id == yield_id:
                return data_id
        return None

    def trie_chunk(self):
        """This block's trie-node accounting (testing/_trie.py)."""
        from ._trie import chunk_of
        rt = self._rt
        rt._trie_chunk = chunk_of(getattr(rt, "_trie_chunk", None), rt._state, rt._state.height)
        return rt._trie_chunk
