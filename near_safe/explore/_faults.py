"""Failure injection and look-ahead on top of the embedded runtime (CPython only).

:class:`FaultRuntime` subclasses :class:`near_safe.testing.Runtime` and overrides its one VM
entry point, ``_execute_vm``, so that the NEXT function call can be made to fail in one of the
ways an external receipt fails on chain (spec 3.5, 4):

  panic             the call runs, then aborts with GuestPanic; the gas it burnt stays burnt
  out_of_gas        aborts with GasExceeded having burnt all its prepaid gas (spec 4 rule 6)
  missing_account   ActionError AccountDoesNotExist: only exec fees burnt, prepaid gas and
                    deposit refunded (spec 3.5 step 1).  Raised where the VM would run, which
                    on chain is checked just before; the result (error, gas, refunds, the
                    callback seeing Failed) is the same.
  missing_method    FunctionCallError MethodNotFound with a nop outcome: no VM gas, no loading
                    fee (spec 3.5 step 5)
  oversized_result  the call runs, then tries to return more than nearcore's
                    max_length_returned_data (4 MiB): HostError ReturnedValueLengthExceeded,
                    the gas it burnt stays burnt (spec 2.5 value_return, 5.3)
  large_result      (opt-in, not a failure) the call succeeds but returns ``large_bytes`` of
                    data (default 64 KiB), what a hostile or broken callee can hand a
                    callback.  Measured here: a nearc/MicroPython callback that reads a result
                    of 32 KiB or more through ``near.promise_result`` dies (out of gas or a
                    MemoryOutOfBounds trap), whatever gas it has: the port's heap cannot hold
                    it.  So no Python callback survives it; the fault shows which settlements a
                    large result would lose.  The callee's own gas for returning it is not
                    added (it is not the contract under test).

It also peeks at which action receipt ``step()`` will run next, without running it, so the
explorer knows where a fault can go and what is in flight.

Memoised function calls.  The VM is a deterministic function of the contract code, the method,
the ``VMContext`` (every field: accounts, input, balances, gas, promise results, block height,
random seed) and the contract's storage.  Sibling schedules restored from one snapshot often
run exactly the same call again (the same callback after two different faults, the same
deposit after two different earlier choices), so the explorer's runtime keeps the outcome of
each call under that full key and returns it instead of running the Wasm again.  Two calls
with the same key cannot differ, so this changes no result, only the time.  Not memoised:
views, and any call while a yielded promise is pending or that creates or resumes one (those
read the runtime's yield table, outside the key).  An injected fault is applied on top of the
real (possibly reused) run and is never stored.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..testing import Runtime
from ..testing._actions import ActionFailed
from ..testing._state import SYSTEM_ACCOUNT, ActionReceipt, DataReceipt
from ..testing._types import FunctionCall, FunctionCallError, VMContext, VMOutcome


@dataclass(frozen=True)
class NextReceipt:
    """The action receipt ``step()`` runs next."""

    receiver: str
    predecessor: str
    method: str | None
    args: bytes
    deposit: int
    gas: int
    external: bool  # a function call from a contract to another account: faults apply
    callback: bool  # waits for data: the callback of a cross-contract call


@dataclass(frozen=True)
class ObservedCall:
    """A function call a contract made (to itself or another contract), recorded for the
    attacker rule: an outsider tries the same call directly."""

    receiver: str
    method: str
    args: bytes
    predecessor: str


_CONTEXT_FIELDS = tuple(f.name for f in dataclasses.fields(VMContext))
MEMO_LIMIT = 50_000


class FaultRuntime(Runtime):
    def __init__(self, mode: str = "wasm", large_bytes: int = 64 * 1024, memo: bool = True,
                 **kw):
        super().__init__(mode=mode, **kw)
        self.large_bytes = large_bytes
        self.memo = {} if memo else None
        self.memo_hits = 0
        self._armed = None
        self.observed = {}  # (receiver, method, args) -> ObservedCall, insertion-ordered
        self.before_receipt_hooks.append(_observe)

    # ------------------------------------------------------------ faults
    def arm_fault(self, kind: str) -> None:
        self._armed = kind

    def disarm_fault(self) -> None:
        self._armed = None

    def _execute_vm(self, code, method, context, storage, receipt):
        kind = self._armed if receipt is not None else None
        if kind is None:
            return self._run_vm(code, method, context, storage, receipt)
        self._armed = None
        if kind == "missing_account":
            raise ActionFailed("AccountDoesNotExist",
                               f"Can't complete the action because account "
                               f"{context.current_account_id} doesn't exist (injected)",
                               account_id=context.current_account_id)
        if kind == "missing_method":
            return VMOutcome(context.account_balance, context.storage_usage, None, 0, 0,
                             aborted=FunctionCallError("MethodNotFound",
                                                       "MethodResolveError(MethodNotFound)"),
                             nop=True)
        if kind == "out_of_gas":
            burnt = min(context.prepaid_gas, self.config.limits["max_gas_burnt"])
            return VMOutcome(context.account_balance, context.storage_usage, None, burnt, burnt,
                             aborted=FunctionCallError("GasExceeded", "Exceeded the prepaid gas."))
        outcome = self._run_vm(code, method, context, storage, receipt)
        if kind == "panic":
            return VMOutcome(outcome.balance, outcome.storage_usage, None, outcome.burnt_gas,
                             outcome.used_gas, list(outcome.logs),
                             FunctionCallError("GuestPanic",
                                               "Smart contract panicked: injected failure"))
        if kind == "oversized_result" and outcome.aborted is None:
            limit = self.config.limits["max_length_returned_data"]
            return VMOutcome(outcome.balance, outcome.storage_usage, None, outcome.burnt_gas,
                             outcome.used_gas, list(outcome.logs),
                             FunctionCallError("HostError",
                                               "The length of a returned value "
                                               f"{limit + 1} exceeds the limit {limit}",
                                               detail="ReturnedValueLengthExceeded"))
        if kind == "large_result" and outcome.aborted is None:
            n = max(2, self.large_bytes)
            outcome = dataclasses.replace(outcome, return_data=("value",
                                                                b'"' + b"x" * (n - 2) + b'"'))
        return outcome

    def _run_vm(self, code, method, context, storage, receipt):
        memo = self.memo
        if memo is None or receipt is None or code is None or self._state.yields:
            return super()._execute_vm(code, method, context, storage, receipt)
        key = (code.hash, code.kind, method,
               tuple(_frozen(getattr(context, f)) for f in _CONTEXT_FIELDS),
               frozenset(storage.items()))
        hit = memo.get(key)
        if hit is not None:
            self.memo_hits += 1
            return dataclasses.replace(hit, logs=list(hit.logs))
        outcome = super()._execute_vm(code, method, context, storage, receipt)
        if not outcome.yield_resumes and not any(r.is_yield for r in outcome.new_receipts):
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[key] = outcome
            outcome = dataclasses.replace(outcome, logs=list(outcome.logs))
        return outcome

    # ------------------------------------------------------------ look-ahead
    def contract_data(self, account_id: str):
        """The contract's committed data dict itself (not a copy): the runtime replaces it
        whenever a receipt commits, so its identity tells whether views can be reused."""
        acc = self._state.accounts.get(account_id)
        return None if acc is None else acc.data

    def is_contract(self, account_id: str) -> bool:
        acc = self._state.accounts.get(account_id)
        return acc is not None and acc.code is not None

    def next_receipt(self) -> NextReceipt | None:
        """Which action receipt will ``step()`` execute next?  Mirrors ``Runtime.step`` and
        ``_process_receipt`` (spec 3.2, 3.3) on the queues without changing them.  Not
        predicted: a yield timing out at the block boundary (spec 3.2 step 6); a fault aimed at
        the predicted receipt then lands on the resumed one instead (tests check the
        prediction on interleaved flows without yields)."""
        st = self._state
        received = set(st.received_data)
        counts = dict(st.pending_data_count)
        by_data = dict(st.postponed_by_data)

        def first_runnable(receipts):
            for r in receipts:
                if isinstance(r, DataReceipt):
                    if r.is_resume:
                        y = st.yields.get((r.receiver_id, r.data_id))
                        if y is not None:
                            return y.receipt, True
                        continue
                    key = (r.receiver_id, r.data_id)
                    received.add(key)
                    rid = by_data.pop(key, None)
                    if rid is None:
                        continue
                    pkey = (r.receiver_id, rid)
                    counts[pkey] -= 1
                    if counts[pkey]:
                        continue
                    return st.postponed[pkey], True
                if all((r.receiver_id, d) in received for d in r.input_data_ids):
                    return r, bool(r.input_data_ids)
                for d in r.input_data_ids:
                    if (r.receiver_id, d) not in received:
                        by_data[(r.receiver_id, d)] = r.receipt_id
                counts[(r.receiver_id, r.receipt_id)] = sum(
                    (r.receiver_id, d) not in received for d in r.input_data_ids)
            return None

        found = first_runnable(st.queue)
        if found is None:
            local = [tx for tx in st.tx_pool if tx.signer_id == tx.receiver_id]
            found = first_runnable([_tx_as_receipt(tx) for tx in local] + list(st.outgoing))
        if found is None:
            remote = [tx for tx in st.tx_pool if tx.signer_id != tx.receiver_id]
            if remote:
                found = (_tx_as_receipt(remote[0]), False)
        if found is None:
            return None
        receipt, callback = found
        fc = next((a for a in receipt.actions if isinstance(a, FunctionCall)), None)
        pred = receipt.predecessor_id
        external = (fc is not None and pred != SYSTEM_ACCOUNT and pred != receipt.receiver_id
                    and self.is_contract(pred))
        return NextReceipt(receipt.receiver_id, pred, fc.method_name if fc else None,
                           fc.args if fc else b"", sum(getattr(a, "deposit", 0) or 0
                                                        for a in receipt.actions),
                           fc.gas if fc else 0, external, callback)

    def is_idle(self) -> bool:
        """Nothing pending at all (``not pending()`` without building the list)."""
        st = self._state
        return not (st.queue or st.outgoing or st.tx_pool or st.postponed or st.yields)

    def in_flight_cross_contract(self) -> bool:
        """Is a function call made by a contract (or a callback waiting for one) pending?
        Transfers a contract sends to users do not count: once sent, the contract's side of
        the operation is settled."""
        st = self._state
        if st.postponed or st.yields:
            return True
        for r in st.queue + st.outgoing:
            if isinstance(r, DataReceipt):
                return True
            if (r.predecessor_id != SYSTEM_ACCOUNT and self.is_contract(r.predecessor_id)
                    and any(isinstance(a, FunctionCall) for a in r.actions)):
                return True
        return False

    def deposits_in_flight(self):
        """``(from, to, amount)`` for every deposit still travelling: pooled transactions and
        action receipts not yet run (refund receipts excluded)."""
        st = self._state
        out = [(tx.signer_id, tx.receiver_id, sum(getattr(a, "deposit", 0) or 0
                                                  for a in tx.actions)) for tx in st.tx_pool]
        for r in list(st.queue) + list(st.outgoing) + list(st.postponed.values()):
            if isinstance(r, ActionReceipt) and r.predecessor_id != SYSTEM_ACCOUNT:
                out.append((r.predecessor_id, r.receiver_id,
                            sum(getattr(a, "deposit", 0) or 0 for a in r.actions)))
        return [x for x in out if x[2]]

    def forget_observed(self) -> None:
        self.observed = {}


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


def _tx_as_receipt(tx) -> ActionReceipt:
    return ActionReceipt(tx.tx_id, tx.signer_id, tx.receiver_id, tx.signer_id, tx.public_key,
                         0, list(tx.actions))


def _observe(rt, receipt) -> None:
    if not isinstance(receipt, ActionReceipt) or receipt.predecessor_id == SYSTEM_ACCOUNT:
        return
    if not rt.is_contract(receipt.predecessor_id):
        return
    for action in receipt.actions:
        if isinstance(action, FunctionCall):
            key = (receipt.receiver_id, action.method_name, bytes(action.args))
            if key not in rt.observed:
                rt.observed[key] = ObservedCall(receipt.receiver_id, action.method_name,
                                                bytes(action.args), receipt.predecessor_id)
