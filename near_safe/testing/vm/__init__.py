"""The VM of the embedded runtime: runs one FunctionCall action and returns a VMOutcome.

Entry point :func:`run` (the runtime calls it for every FunctionCall, docs/protocol.md 3.5):

* ``ContractCode(kind="wasm")``: wasmtime with fuel synced to the gas counter (``wasm.py``);
* ``ContractCode(kind="python")``: the contract's source under CPython (``_pymode.py``).

Host functions live in ``logic.py`` (:class:`VMLogic`), the gas counter in ``gas.py``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .._types import FunctionCallError, VMContext, VMOutcome
from ..params import DEFAULT_CONFIG, Config
from .gas import GasCounter, GasError
from .logic import VMLogic, VMLogicError, host_error
from .weights import distribute_gas

__all__ = [
    "ContractCode",
    "GasCounter",
    "GasError",
    "VMLogic",
    "VMLogicError",
    "distribute_gas",
    "host_error",
    "nop_outcome",
    "run",
]


@dataclass
class ContractCode:
    """A deployed contract.  ``code`` is the Wasm bytes (for ``kind="python"`` whatever the
    runtime stores on chain for it; ``source_path`` points at the .py source)."""

    code: bytes
    kind: str = "wasm"  # "wasm" | "python"
    source_path: str | None = None
    _hash: str | None = field(default=None, repr=False, compare=False)
    port: object = field(default=None, compare=False)  # CPython mode: the port modelled (_pymode)

    @property
    def hash(self) -> str:
        """sha256 hex of ``code``: the compiled-module cache key."""
        if self._hash is None:
            self._hash = hashlib.sha256(self.code).hexdigest()
        return self._hash

    def __len__(self) -> int:
        return len(self.code)


def nop_outcome(context: VMContext, error: FunctionCallError) -> VMOutcome:
    """nearcore ``VMOutcome::nop_outcome``: the call failed before any gas was charged
    (missing code, empty or missing method; docs/protocol.md 3.5 steps 2, 3, 5)."""
    return VMOutcome(balance=context.account_balance, storage_usage=context.storage_usage,
                     return_data=None, burnt_gas=0, used_gas=0, aborted=error, nop=True)


def run(code: ContractCode | None, method_name: str, context: VMContext, storage: dict, ext,
        config: Config = DEFAULT_CONFIG) -> VMOutcome:
    """Run ``method_name`` of ``code`` for one FunctionCall action (docs/protocol.md 3.5).

    ``code`` None = the account has no contract: CodeDoesNotExist, nop outcome (TV4).
    ``storage`` is the committed state {bytes: bytes}; it is never mutated (the outcome holds
    the new state).  Gas-weight distribution (docs/protocol.md 5.5) needs
    nothing: ``VMLogic.outcome`` has already done it (``weights.py``)."""
    if code is None or not code.code and code.kind == "wasm":
        return nop_outcome(context, FunctionCallError(
            "CodeDoesNotExist",
            f"cannot find contract code for account {context.current_account_id}",
            "CodeDoesNotExist", {"account_id": context.current_account_id}))
    if not method_name:
        return nop_outcome(context, FunctionCallError(
            "MethodEmptyName", "MethodEmptyName", "MethodEmptyName"))
    if code.kind == "python":
        from ._pymode import run_python
        return run_python(code, method_name, context, storage, ext, config)
    from .wasm import run_wasm
    return run_wasm(code, method_name, context, storage, ext, config)
