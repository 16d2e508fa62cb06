"""near_safe.testing: an embedded NEAR runtime that runs real compiled contracts (CPython only).

    from near_safe.testing import Runtime, NEAR, TGAS
    rt = Runtime()                                   # mode="wasm" (default) or "python"
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    vault = rt.deploy("vault.near", "contract.py", balance=10 * NEAR)   # .py/.wasm/.wat/bytes
    out = alice.call(vault, "method", {"arg": 1}, deposit=0, gas=300 * TGAS)
    out.status, out.value, out.logs, out.gas_burnt, out.tokens_burnt, out.error, out.receipts
    out.unwrap(); out.failures; out.refunds; out.receipt(method="cb"); out.find(receiver=...)
    vault.view("get", {...}) == rt.view(vault, "get", {...})
    rt.balance(alice); rt.storage(vault); rt.account(vault); rt.access_keys(alice)

Step by step (docs/protocol.md 3.2 block ordering):

    tx = alice.submit(vault, "method", {...}, deposit=..., gas=...)   # queued, not run
    rt.step()            # runs the next receipt, returns its ReceiptOutcome (None when idle)
    rt.pending()         # what has not run yet: receiver, method, waiting_for_data, runs_at
    rt.run()             # to idle;  rt.produce_blocks(n): let time pass (yield timeouts)
    tx.outcome()         # status "pending" until its whole receipt tree ran
    snap = rt.snapshot(); rt.restore(snap)     # microseconds: state is structurally shared
    with panics("not enough balance"): alice.call(vault, "withdraw", {...})   # see _panics

Batches: ``alice.execute(receiver, [CreateAccount(), Transfer(...), DeployContract(...),
FunctionCall(...), AddKey(...), ...])``.  Test set-up: ``rt.patch_state(account, amount=...,
data={...})``.  Failure injection: ``rt.fail_next(receiver, method, kind="panic"|"out_of_gas")``
and ``rt.before_receipt_hooks``.  Tools (the explorer): ``rt.next_receipt()`` (what ``step()``
runs next, computed by ``step()`` itself), ``rt.upcoming()``, ``rt.inject(kind, receiver,
method)`` with ``rt.fault_kinds`` / ``rt.register_fault(name, fn)``, ``rt.vm_wrappers`` and
``rt.storage_view(account)``.  Invalid transactions raise :class:`InvalidTransaction`.

See docs/architecture.md and docs/protocol.md (the NEAR semantics the runtime follows).
"""

from ._outcomes import (AccountView, ActionError, InvalidTransaction, PendingReceipt,
                        ReceiptOutcome, TxOutcome)
from ._panics import panics
from ._runtime import (DEFAULT_GAS, FAULT_KINDS, AccountHandle, FunctionCallSite, Runtime,
                       Snapshot, TxHandle, UpcomingReceipt, encode_args, validate_account_id)
from ._state import base58
from ._transactions import UnsignedTransaction, public_key_text
from ._types import (AccessKey, AddKey, CreateAccount, DelegateAction, DeleteAccount, DeleteKey,
                     DeployContract, FunctionCall, FunctionCallError, NewReceipt,
                     SignedDelegateAction, Stake, Transfer, VMOutcome)
from .params import GAS_PRICE, NEAR, TGAS, Config

__all__ = [
    "AccessKey", "AccountHandle", "AccountView", "ActionError", "AddKey", "Config",
    "CreateAccount", "DEFAULT_GAS", "DelegateAction", "DeleteAccount", "DeleteKey",
    "DeployContract", "FAULT_KINDS", "FunctionCall", "FunctionCallError", "FunctionCallSite",
    "GAS_PRICE", "InvalidTransaction", "NEAR", "NewReceipt", "PendingReceipt", "ReceiptOutcome",
    "Runtime", "SignedDelegateAction", "Snapshot", "Stake", "TGAS", "Transfer", "TxHandle",
    "TxOutcome", "UnsignedTransaction", "UpcomingReceipt", "VMOutcome", "base58", "encode_args",
    "panics", "public_key_text", "safe_call_reserve", "validate_account_id",
]


def safe_call_reserve(runtime=None, compiler: str | None = None) -> int:
    """The gas safe_call's check asks beyond what its method has used (OWN_GAS + EXTERNAL_GAS +
    the default CALLBACK_GAS) in contracts ``runtime`` runs: in Wasm mode those of the backend
    ``compiler`` ("mpy" for MicroPython or "py" for nearc 0.10's CPython backend; default: the
    one ``$NEAR_SAFE_COMPILER`` selects, which the runtime builds with), in CPython mode
    MicroPython's (the mode models that port).  Attaching exactly this much passes the method's
    start-up and fails its gas check: a starved call, whatever the interpreter costs."""
    import near_safe

    from ..builder._cpython import selected_compiler

    wasm = runtime is None or runtime.mode == "wasm"
    callback = near_safe._CALLBACK_GAS_PY if wasm and (compiler or selected_compiler()) == "py" \
        else near_safe.CALLBACK_GAS
    return near_safe.OWN_GAS + near_safe.EXTERNAL_GAS + callback
