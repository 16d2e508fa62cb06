"""near_safe.compat: run existing near-pytest suites offline on near_safe's embedded runtime.

near-pytest 1.0.0 (``NearTestCase``, its fixtures, ``Account`` / ``Contract``) needs the
``neard`` sandbox binary, downloaded at run time, and a running node.  With this backend on, the
same suite runs unchanged, in-process: near-pytest's sandbox manager, RPC client and compiler
are swapped for embedded equivalents, and everything above them (its models, result objects,
exceptions, fixtures, ``NearTestCase``) is near-pytest's own code.

Switch it on with one setting (see docs/near-pytest.md)::

    pytest -p near_safe.compat.plugin                    # a pytest option
    PYTEST_PLUGINS=near_safe.compat.plugin pytest        # or an environment variable

``--near-backend=sandbox`` (or ``NEAR_SAFE_BACKEND=sandbox``) keeps the real sandbox even with
the plugin loaded.  Outside pytest, :func:`activate` / :func:`deactivate` do the same swap.

CPython only.
"""

from __future__ import annotations

import os

from ._errors import UnsupportedOnEmbedded

ENV_BACKEND = "NEAR_SAFE_BACKEND"  # "embedded" (default once the plugin is loaded) | "sandbox"
ENV_MODE = "NEAR_SAFE_MODE"  # "wasm" (default) | "python": how the embedded runtime runs code
# "node": near-pytest's own client over JSON-RPC to near-safe node (near_safe/node/_nearpytest.py)
BACKENDS = ("embedded", "sandbox", "node")

_state = {"active": False, "saved": [], "mode": "wasm"}


def is_active() -> bool:
    """True while near-pytest is swapped onto the embedded runtime."""
    return _state["active"]


def current_mode() -> str:
    """The embedded runtime's execution mode for sandboxes started from now on."""
    return _state["mode"]


def backend_from_env(default: str = "embedded") -> str:
    value = os.environ.get(ENV_BACKEND, "").strip().lower() or default
    if value not in BACKENDS:
        from near_safe.errors import UsageError

        raise UsageError(f"{ENV_BACKEND}={value!r} is not a backend: use one of {BACKENDS}")
    return value


def activate(mode: str = "wasm") -> None:
    """Swap near-pytest's sandbox, client and compiler for the embedded ones (idempotent).

    ``mode="python"`` runs contracts' Python source under CPython instead of their Wasm; it
    needs the ``.py`` path passed to ``deploy_contract`` (near-pytest passes the Wasm path
    from ``compile_contract``, so suites normally run in the default ``"wasm"`` mode)."""
    from ._patch import apply

    if mode not in ("wasm", "python"):
        from near_safe.errors import UsageError

        raise UsageError(f"near_safe.compat.activate(mode={mode!r}): use 'wasm' or 'python'")
    _state["mode"] = mode
    if _state["active"]:
        return
    _state["saved"] = apply()
    _state["active"] = True


def deactivate() -> None:
    """Put near-pytest's own objects back."""
    from ._patch import undo

    if not _state["active"]:
        return
    undo(_state["saved"])
    _state["saved"] = []
    _state["active"] = False


def __getattr__(name):
    # Lazy: importing near_safe.compat must not import near_pytest (the plugin checks the
    # setting first, and near-pytest pulls in py-near).
    if name == "EmbeddedNearClient":
        from ._client import EmbeddedNearClient

        return EmbeddedNearClient
    if name in ("EmbeddedSandboxManager", "EmbeddedChain", "StateRecords"):
        from . import _sandbox

        return getattr(_sandbox, name)
    raise AttributeError(f"module 'near_safe.compat' has no attribute {name!r}")


__all__ = [
    "BACKENDS", "ENV_BACKEND", "ENV_MODE", "EmbeddedChain", "EmbeddedNearClient",
    "EmbeddedSandboxManager", "StateRecords", "UnsupportedOnEmbedded", "activate",
    "backend_from_env", "current_mode", "deactivate", "is_active",
]
