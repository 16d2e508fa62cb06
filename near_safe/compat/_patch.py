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


def _targets():
    from ._client import EmbeddedNearClient
    from ._compiler import compile_contract
    from ._sandbox import EmbeddedSandboxManager

    return [
        ("near_pytest", "SandboxManager", EmbeddedSandboxManager),
        ("near_pytest", "NearClient", EmbeddedNearClient),
        ("near_pytest", "compile_contract", compile_contract),
        ("near_pytest.sandbox", "SandboxManager", EmbeddedSandboxManager),
        ("near_pytest.client", "NearClient", EmbeddedNearClient),
        ("near_pytest.testing", "SandboxManager", EmbeddedSandboxManager),
        ("near_pytest.testing", "NearClient", EmbeddedNearClient),
        ("near_pytest.fixtures", "SandboxManager", EmbeddedSandboxManager),
        ("near_pytest.fixtures", "NearClient", EmbeddedNearClient),
        ("near_pytest.fixtures", "compiler_func", compile_contract),
        ("near_pytest.compiler", "compile_contract", compile_contract),
        ("near_pytest.utils.binary", "ensure_sandbox_binary",
         _binary_guard("ensure_sandbox_binary")),
        ("near_pytest.utils.binary", "download_binary", _binary_guard("download_binary")),
    ]


def apply() -> list:
    """Swap; returns what is needed to undo."""
    saved = []
    for module_name, attr, new in _targets():
        module = importlib.import_module(module_name)
        saved.append((module, attr, getattr(module, attr)))
        setattr(module, attr, new)
    return saved


def undo(saved: list) -> None:
    for module, attr, old in reversed(saved):
        setattr(module, attr, old)
