"""The explorer's runtime: faults, memoised calls, look-ahead and observed calls, all through
the runtime's public tool surface (CPython only).

:class:`FaultRuntime` is a :class:`near_safe.testing.Runtime` that registers the explorer's
fault kinds (``rt.register_fault``), memoises function calls (one of ``rt.vm_wrappers``) and
records the calls contracts make (``rt.before_receipt_hooks``).  It overrides nothing: the
look-ahead is ``rt.next_receipt()``, computed by ``step()`` itself, so the explorer's
prediction and the runtime's order cannot drift (tests/explore/test_explore_lookahead.py).

Fault kinds (the runtime's built-ins: docs/explorer.md, "Failure injection"):

  panic, out_of_gas, missing_account, missing_method, oversized_result   built into the runtime
  keep_deposit_fail  a HOSTILE callee (an account the attacker controls) accepts the call,
                     keeps the attached deposit and returns a promise that fails (a call to an
                     account that does not exist): its receipt succeeds, the caller's callback
                     sees a failure, and nothing is refunded by the protocol
  answer:<kind>      the callee answers bytes a callback must survive (see ANSWERS): Borsh
                     bytes, text, nothing, a 1,801-byte JSON bomb under MAX_RESULT, 1e400,
                     2**128 as a decimal string, strings with raw control characters, ``\\x41`` or a lone surrogate.  An
                     honest callee runs and its answer is replaced; a hostile callee keeps the
                     deposit and answers it
  large_result       (opt-in) the call succeeds but returns ``large_bytes`` of data

Memoised function calls.  The VM is a deterministic function of the contract code, the method,
the ``VMContext`` (every field) and the contract's storage, so the outcome of each call is kept
under that full key and returned instead of running the Wasm again (changes no result, only
the time).  Not memoised: views, and any call while a yielded promise is pending or that
creates or resumes one.  Injected faults are applied on top of the (possibly reused) run.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from .._units import TGAS
from ..testing import (FunctionCall, FunctionCallError, NewReceipt, Runtime, UpcomingReceipt,
                       VMOutcome)

SYSTEM = "system"


def _bomb(size: int) -> bytes:
    """``[[],[],...]`` of exactly ``size`` bytes (odd sizes): valid JSON, hundreds of
    containers - what exhausts MicroPython's 32 KB heap (issue 11, finding 2)."""
    n = (size - 1) // 3
    body = b"[" + b",".join([b"[]"] * n) + b"]"
    return body + b" " * (size - len(body))


#: Answers a callee gives a callback (and payloads the attacker sends as arguments):
#: name -> bytes.
ANSWERS = {
    "borsh": b"\x01\x2a\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00abc",
    "text": b"sold, thanks",
    "empty": b"",
    "bomb": _bomb(1801),
    "bomb_small": _bomb(901),
    "huge_number": b"1e400",
    "big_number": b'"340282366920938463463374607431768211456"',  # 2**128 as a decimal string
    "control_chars": b'"a\x01b\nc"',
    "bad_escape": b'"\\x41"',
    "lone_surrogate": b'"\\ud800"',
}
ANSWER_FAULTS = tuple("answer:" + name for name in ANSWERS)
MISSING_ACCOUNT = "nobody-at-all.near"  # the hostile callee's failing promise goes here


@dataclass(frozen=True)
class NextReceipt:
    """The action receipt ``step()`` runs next, as the explorer sees it."""

    receiver: str
    predecessor: str
    method: str | None
    args: bytes
    deposit: int
    gas: int
    external: bool  # a function call from a contract to another account: faults apply
    callback: bool  # waits for data: the callback of a cross-contract call
    hostile: bool = False  # the receiver is controlled by the attacker
    refund_to: str | None = None  # who gets the deposit back if it fails (None: predecessor)


@dataclass(frozen=True)
class ObservedCall:
    """A function call a contract made (to itself or another contract), recorded for the
    attacker rule: an outsider tries the same call directly."""

    receiver: str
    method: str
    args: bytes
    predecessor: str


@dataclass(frozen=True)
class Relay:
    """A contract method that makes the contract call ITSELF with a method name the caller
    chose (a multicall or batch helper, a DAO-style self-call): ``entry`` called with
    ``args`` made the contract call its own ``inner`` method."""

    contract: str
    entry: str
    args: bytes
    inner: str
    inner_args: bytes
    deposit: int


_CONTEXT_FIELDS = None
MEMO_LIMIT = 50_000


class FaultRuntime(Runtime):
    def __init__(self, mode: str = "wasm", large_bytes: int = 64 * 1024, memo: bool = True,
                 hostile=(), **kw):
        super().__init__(mode=mode, **kw)
        self.large_bytes = large_bytes
        self.hostile = set(hostile)  # accounts the attacker controls (hostile callees)
        self.ignored = set()  # accounts whose calls are not recorded as entries (the attacker)
        self.memo = {} if memo else None
        self.memo_hits = 0
        self.observed = {}  # (receiver, method, args) -> ObservedCall, insertion-ordered
        # (receiver, method, args, deposit) of the first receipt of each transaction seen, keyed
        # by itself (ids repeat across sibling schedules: keying by id would let the order of
        # exploration change what is remembered); and the one of each tx id, for relays
        self.entries = {}
        self.entry_of_tx = {}
        self.relays = {}  # (contract, entry, inner) -> Relay
        self.before_receipt_hooks.append(_observe)
        if memo:
            self.vm_wrappers.append(self._memoised)
        self.register_fault("keep_deposit_fail", _keep_deposit_fail)
        self.register_fault("large_result", _large_result)
        for name in ANSWERS:
            self.register_fault("answer:" + name, _answer(ANSWERS[name]))

    # ------------------------------------------------------------ faults
    def arm_fault(self, kind: str) -> None:
        """The next function call (whatever its receiver) behaves as ``kind``."""
        self.inject(kind)

    def disarm_fault(self) -> None:
        self.clear_faults()

    def _memoised(self, call, execute):
        memo = self.memo
        if call.code is None or any(u.kind == "yield" for u in self.upcoming()):
            return execute()
        global _CONTEXT_FIELDS
        if _CONTEXT_FIELDS is None:
            _CONTEXT_FIELDS = tuple(f.name for f in dataclasses.fields(call.context))
        key = (call.code.hash, call.code.kind, call.method,
               tuple(_frozen(getattr(call.context, f)) for f in _CONTEXT_FIELDS),
               frozenset(call.storage.items()))
        hit = memo.get(key)
        if hit is not None:
            self.memo_hits += 1
            return dataclasses.replace(hit, logs=list(hit.logs))
        outcome = execute()
        if not outcome.yield_resumes and not any(r.is_yield for r in outcome.new_receipts):
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[key] = outcome
            outcome = dataclasses.replace(outcome, logs=list(outcome.logs))
        return outcome

    # ------------------------------------------------------------ look-ahead
    def contract_data(self, account_id: str):
        """The contract's committed data dict itself (``storage_view``): its identity tells
        whether views can be reused.  None if the account does not exist."""
        return self.storage_view(account_id) if self.exists(account_id) else None

    def is_contract(self, account_id: str) -> bool:
        return self.exists(account_id) and self.account(account_id).code_hash is not None

    def peek(self) -> NextReceipt | None:
        """``next_receipt()`` (the runtime's own order) with what the explorer needs."""
        up = self.next_receipt()
        return None if up is None else self.describe(up)

    def describe(self, up: UpcomingReceipt) -> NextReceipt:
        pred = up.predecessor
        external = (up.method is not None and pred != SYSTEM and pred != up.receiver
                    and self.is_contract(pred))
        return NextReceipt(up.receiver, pred, up.method, up.args, up.deposit, up.gas,
                           external, up.waits_for_data, up.receiver in self.hostile,
                           up.refund_to)

    def is_idle(self, upcoming=None) -> bool:
        return not (self.upcoming() if upcoming is None else upcoming)

    def in_flight_cross_contract(self, upcoming=None) -> bool:
        """Is a function call made by a contract (or a callback waiting for one) pending?
        Transfers a contract sends to users do not count: once sent, the contract's side of
        the operation is settled.  ``upcoming``: ``self.upcoming()`` if already known."""
        for u in self.upcoming() if upcoming is None else upcoming:
            if u.waits_for_data:
                return True
            if (u.method is not None and u.predecessor != SYSTEM and u.kind != "transaction"
                    and self.is_contract(u.predecessor)):
                return True
        return False

    def deposits_in_flight(self, upcoming=None):
        """``(from, to, amount)`` for every deposit still travelling: pooled transactions and
        action receipts not yet run (refund receipts excluded)."""
        return [(u.predecessor, u.receiver, u.deposit)
                for u in (self.upcoming() if upcoming is None else upcoming)
                if u.deposit and u.predecessor != SYSTEM]

    def forget_observed(self) -> None:
        self.observed = {}
        self.entries = {}
        self.entry_of_tx = {}
        self.relays = {}


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


# ------------------------------------------------------------------ the explorer's faults

def _kept(call, return_data, new_receipts=()):
    """A hostile callee's successful outcome: the deposit kept, nothing else changed."""
    ctx = call.context
    gas = min(ctx.prepaid_gas, 3 * TGAS)
    return VMOutcome(ctx.account_balance + ctx.attached_deposit, ctx.storage_usage,
                     return_data, gas, gas, [], None, list(new_receipts), [],
                     dict(call.storage))


def _keep_deposit_fail(rt, call, execute):
    """Keep the deposit, return a promise to an account that does not exist: the receipt
    succeeds, the promise the caller's callback waits for fails."""
    promise = NewReceipt(MISSING_ACCOUNT, [FunctionCall("take", b"{}", TGAS, 0)])
    out = _kept(call, ("receipt", 0), [promise])
    return dataclasses.replace(out, used_gas=out.used_gas + TGAS)


def _answer(data: bytes):
    def fault(rt, call, execute):
        if call.context.current_account_id in rt.hostile:
            return _kept(call, ("value", data))
        out = execute()
        if out.aborted is not None:
            return out
        return dataclasses.replace(out, return_data=("value", data), new_receipts=[])

    return fault


def _large_result(rt, call, execute):
    out = execute()
    if out.aborted is not None:
        return out
    n = max(2, rt.large_bytes)
    return dataclasses.replace(out, return_data=("value", b'"' + b"x" * (n - 2) + b'"'))


# ------------------------------------------------------------------ observing calls

def _observe(rt, receipt) -> None:
    """Record the function calls contracts make (for the attacker), the first receipt of each
    transaction, and the contract methods that relay a caller-chosen method to the contract
    itself."""
    pred = receipt.predecessor_id
    if pred == SYSTEM:
        return
    fc = next((a for a in receipt.actions if isinstance(a, FunctionCall)), None)
    if fc is None:
        return
    if not rt.is_contract(pred):
        if pred in rt.ignored:  # the attacker's own calls are not replayed
            return
        entry = (receipt.receiver_id, fc.method_name, bytes(fc.args), fc.deposit)
        rt.entries.setdefault(entry, entry)
        rt.entry_of_tx[receipt.tx_id] = entry
        return
    key = (receipt.receiver_id, fc.method_name, bytes(fc.args))
    if key not in rt.observed:
        rt.observed[key] = ObservedCall(receipt.receiver_id, fc.method_name, bytes(fc.args),
                                        pred)
    if pred != receipt.receiver_id:
        return
    entry = rt.entry_of_tx.get(receipt.tx_id)
    if entry is None or entry[0] != pred or entry[1] == fc.method_name:
        return
    try:
        args = json.loads(entry[2] or b"{}")
    except ValueError:
        return
    if _contains(args, fc.method_name):
        rkey = (pred, entry[1], fc.method_name)
        if rkey not in rt.relays:
            rt.relays[rkey] = Relay(pred, entry[1], entry[2], fc.method_name, bytes(fc.args),
                                    entry[3])


def _contains(value, text: str) -> bool:
    if isinstance(value, str):
        return value == text
    if isinstance(value, list):
        return any(_contains(v, text) for v in value)
    if isinstance(value, dict):
        return any(_contains(v, text) for v in value.values())
    return False
