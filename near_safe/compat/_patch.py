"""Where near-pytest's module objects are swapped (and swapped back).

near-pytest looks its collaborators up as module globals at call time (``setup_class`` reads
``SandboxManager`` / ``NearClient`` from ``near_pytest.testing``, the ``sandbox`` fixture from
``near_pytest.fixtures``, ``NearTestCase.compile_contract`` imports ``compile_contract`` from
``near_pytest.compiler`` when called).  Replacing those names is enough for its own code to run
on the embedded runtime.  The package-level re-exports are replaced too, so a conftest that
imports ``from near_pytest import SandboxManager`` after activation gets the embedded one.

The sandbox binary helpers are replaced by functions that raise: with the backend on, nothing
may look for or download ``neard`` (a test in tests/compat/ checks this), and if some path
still reached them the user gets an error naming the setting, not a network timeout.

CPython only.
"""

from __future__ import annotations

import importlib


def _binary_guard(name):
    def guard(*args, **kwargs):
        from ._errors import UnsupportedOnEmbedded

        raise UnsupportedOnEmbedded(
            f"near_pytest.utils.binary.{name} (the neard sandbox binary)",
            "With NEAR_SAFE_BACKEND=embedded no sandbox binary is used; something bypassed "
            "near-pytest's SandboxManager - start sandboxes through it or the `sandbox` "
            "fixture.  To use the real sandbox, pass --near-backend=sandbox.")

    guard.__name__ = name
    guard.__qualname__ = name
    guard.near_safe_guard = True
    return guard


# where near-pytest looks up each collaborator (module, name)
_MANAGER_NAMES = [(m, "SandboxManager") for m in (
    "near_pytest", "near_pytest.sandbox", "near_pytest.testing", "near_pytest.fixtures")]
_CLIENT_NAMES = [(m, "NearClient") for m in (
    "near_pytest", "near_pytest.client", "near_pytest.testing", "near_pytest.fixtures")]
_COMPILER_NAMES = [("near_pytest", "compile_contract"), ("near_pytest.fixtures", "compiler_func"),
                   ("near_pytest.compiler", "compile_contract")]
_BINARY_HELPERS = ("ensure_sandbox_binary", "download_binary")


def targets(manager, client=None) -> list:
    """``(module name, attribute, replacement)`` for a backend: its sandbox manager, its client
    (None keeps near-pytest's own NearClient), near_safe's compiler and the binary guards."""
    from ._compiler import compile_contract

    swaps = [(m, attr, manager) for m, attr in _MANAGER_NAMES]
    if client is not None:
        swaps += [(m, attr, client) for m, attr in _CLIENT_NAMES]
    swaps += [(m, attr, compile_contract) for m, attr in _COMPILER_NAMES]
    swaps += [("near_pytest.utils.binary", name, _binary_guard(name)) for name in _BINARY_HELPERS]
    return swaps


def apply(swaps=None) -> list:
    """Swap (the embedded backend's objects by default); returns what is needed to undo."""
    if swaps is None:
        from ._client import EmbeddedNearClient
        from ._sandbox import EmbeddedSandboxManager

        swaps = targets(EmbeddedSandboxManager, EmbeddedNearClient)
    saved = []
    for module_name, attr, new in swaps:
        module = importlib.import_module(module_name)
        saved.append((module, attr, getattr(module, attr)))
        setattr(module, attr, new)
    return saved


def undo(saved: list) -> None:
    for module, attr, old in reversed(saved):
        setattr(module, attr, old)
