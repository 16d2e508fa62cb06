"""CPython only: the ``near`` host module that contract code imports.

Inside the Wasm, ``near`` is MicroPython's builtin C module (nearc's ``modnear.c``).  Under
CPython there is no such module.  ``near`` below is a stand-in module object: every attribute
lookup is forwarded to the host bound by the embedded runtime's CPython mode
(``near_safe.testing``) for the duration of one function call; outside a call it raises a clear
error instead of returning anything.

It is placed in ``sys.modules["near"]`` only while a contract call runs in CPython mode (where
contract code and near_sdk_py do ``import near``), and whatever was there before is put back
afterwards.  Importing near_safe or any of its tools leaves ``sys.modules`` alone, so another
package named ``near`` (near-kit's client) works in the same process.  near_safe's own contract
side takes the stand-in directly (``from ._host import near`` under CPython).
"""

import sys
import types

_bound = None  # the object implementing modnear.c's functions for the running call
_ABSENT = object()
_outside = []  # what sys.modules["near"] held before the outermost bound call


class NotInContractCall(RuntimeError):
    pass


def bind(host):
    """Bind ``host`` as the implementation of ``near.*``; returns the previous binding.  The
    first binding also puts the stand-in in ``sys.modules["near"]``; unbinding the last one
    puts back what was there."""
    global _bound
    previous, _bound = _bound, host
    if host is not None and previous is None:
        _outside.append(sys.modules.get("near", _ABSENT))
        sys.modules["near"] = near
    elif host is None and previous is not None and _outside:
        was = _outside.pop()
        if was is _ABSENT:
            sys.modules.pop("near", None)
        else:
            sys.modules["near"] = was
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


def _make():
    module = types.ModuleType("near", "CPython stand-in for the NEAR host module (near_safe).")
    module.__near_safe_host__ = True
    module.__getattr__ = _getattr
    return module


near = _make()
