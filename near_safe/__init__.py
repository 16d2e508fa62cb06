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
