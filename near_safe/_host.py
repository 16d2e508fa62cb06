"""CPython only: the ``near`` host module that contract code imports.

Inside the Wasm, ``near`` is MicroPython's builtin C module (nearc's ``modnear.c``).  Under
CPython there is no such module, so importing ``near_safe`` (or ``near_sdk_py``) would fail.
This module puts a stand-in ``near`` into ``sys.modules``: every attribute lookup is forwarded
to the host bound by the embedded runtime's CPython mode (``near_safe.testing``) for the
duration of one function call.  Outside a call it raises a clear error instead of returning
anything.
"""

import sys
import types

_bound = None  # the object implementing modnear.c's functions for the running call


class NotInContractCall(RuntimeError):
    pass


def bind(host):
    """Bind ``host`` as the implementation of ``near.*``; returns the previous binding."""
    global _bound
    previous, _bound = _bound, host
    return previous


def _getattr(name):
    if name.startswith("__"):
        raise AttributeError(name)
    if _bound is None:
        raise NotInContractCall(
            f"near.{name}() was called outside a contract call: run the contract through "
            "near_safe.testing.Runtime (mode='python' or 'wasm') instead of calling it directly"
        )
    return getattr(_bound, name)


def _install():
    existing = sys.modules.get("near")
    if existing is not None and getattr(existing, "__near_safe_host__", False):
        return existing
    if existing is not None:  # a real `near` module (e.g. a user's own shim): leave it alone
        return existing
    module = types.ModuleType("near", "CPython stand-in for the NEAR host module (near_safe).")
    module.__near_safe_host__ = True
    module.__getattr__ = _getattr
    sys.modules["near"] = module
    return module


near = _install()
