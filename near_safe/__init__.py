"""near_safe: NEAR's safe cross-contract patterns by construction, for Python contracts.

This package root is the *contract side*: it is frozen into every contract's Wasm and runs under
MicroPython, so it must stay small and MicroPython-safe (see docs/architecture.md).  The CPython
tooling lives in subpackages that are never frozen: ``near_safe.testing`` (embedded runtime,
pytest plugin), ``near_safe.builder`` (Wasm build and cache), ``near_safe.check`` (checker) and
``near_safe.cli``.
"""

import sys

if sys.implementation.name != "micropython":
    from . import _host  # noqa: F401  CPython: provide the `near` module contract code imports

__version__ = "0.1.0"

from .contract import _state as state
from .contract._args import (
    ACCOUNT,
    AMOUNT,
    ANY,
    BOOL,
    DICT,
    INT,
    LIST,
    STR,
    MisuseError,
    is_account_id,
    optional,
)
from .contract._methods import call, callback, init, multi_callback, view
from .contract._state import ContractError, assert_unlocked, is_locked, require
from .contract._xcc import (
    CALLBACK_GAS,
    EXTERNAL_GAS,
    TGAS,
    Operation,
    Promise,
    Result,
    claim,
    claimable,
    operation,
    refund,
    safe_call,
)

__all__ = [
    "ACCOUNT", "AMOUNT", "ANY", "BOOL", "CALLBACK_GAS", "ContractError", "DICT", "EXTERNAL_GAS",
    "INT", "LIST", "MisuseError", "Operation", "Promise", "Result", "STR", "TGAS",
    "assert_unlocked", "call", "callback", "claim", "claimable", "init", "is_account_id",
    "is_locked", "multi_callback", "operation", "optional", "refund", "require", "safe_call", "state",
    "view",
]
