"""near_safe.testing: an embedded NEAR runtime that runs real compiled contracts (CPython only).

    from near_safe.testing import Runtime, NEAR, TGAS
    rt = Runtime()                                   # mode="wasm" (default) or "python"
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    vault = rt.deploy("vault.near", "contract.py", balance=10 * NEAR)
    out = alice.call(vault, "method", {"arg": 1}, deposit=0, gas=300 * TGAS)
    out.status, out.value, out.logs, out.gas_burnt, out.receipts

See docs/architecture.md and shared/reference/near-runtime.md (the spec the runtime follows).
"""

from ._outcomes import (AccountView, ActionError, InvalidTransaction, PendingReceipt,
                        ReceiptOutcome, TxOutcome)
from ._runtime import DEFAULT_GAS, AccountHandle, Runtime, Snapshot, TxHandle, encode_args
from ._types import (AccessKey, AddKey, CreateAccount, DeleteAccount, DeleteKey, DeployContract,
                     FunctionCall, Stake, Transfer)
from .params import GAS_PRICE, NEAR, TGAS, Config

__all__ = [
    "AccessKey", "AccountHandle", "AccountView", "ActionError", "AddKey", "Config",
    "CreateAccount", "DEFAULT_GAS", "DeleteAccount", "DeleteKey", "DeployContract", "FunctionCall",
    "GAS_PRICE", "InvalidTransaction", "NEAR", "PendingReceipt", "ReceiptOutcome", "Runtime",
    "Snapshot", "Stake", "TGAS", "Transfer", "TxHandle", "TxOutcome", "encode_args",
]
