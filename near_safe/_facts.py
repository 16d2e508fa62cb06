"""Facts shared by near_safe's CPython tools (builder, checker, explorer, runtime): one home each.

Units (NEAR, TGAS) live in ``near_safe/_units.py`` and are re-exported here.  The facts about
nearc are those of its ``analyzer.py`` (``find_exports``, ``validate_export_names``; the same
sets in nearc 0.8.8 and 0.10.0): ``tests/runtime/test_facts.py`` reads them from the installed
nearc and fails if a copy of any of them comes back elsewhere on the CPython side.  The
contract side (``near_safe/_root.py``, ``near_safe/contract/``) does not import this module:
it is frozen into every Wasm, where each import costs gas on every call.  CPython only, standard library only.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._units import NEAR, TGAS

# nearc 0.8.8 analyzer.find_exports: a function is exported when one of its decorators is one of
# these bare names (``@view`` or ``@view(...)``) ...
NEARC_EXPORT_DECORATORS = frozenset(
    {"export", "view", "call", "init", "callback", "multi_callback"})
# ... or the attribute ``@near.export`` (the only dotted spelling it accepts).
NEARC_EXPORT_ATTRIBUTE = "near.export"

# nearc 0.8.8 analyzer.validate_export_names: C keywords (C89 through C11) cannot name an export,
# because each export becomes a C function in export_wrappers.c; nearc refuses the build.
C_KEYWORDS = frozenset({
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while",
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
    "_Noreturn", "_Static_assert", "_Thread_local",
})

CACHE_ENV = "NEAR_SAFE_CACHE"


def cache_root() -> Path:
    """near_safe's cache folder (toolchain, built Wasm, compiled wasmtime modules):
    ``$NEAR_SAFE_CACHE`` or ``~/.cache/near_safe``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "near_safe"


def shipped_folder(installed: str, checkout: str, *markers: str, what: str) -> Path:
    """A folder of the repository that ships inside the package: ``near_safe/<installed>`` in an
    install, else ``<checkout>`` beside the package in a checkout; the first holding every one of
    ``markers``.  UsageError naming ``what`` when neither does."""
    here = Path(__file__).resolve().parent
    for folder in (here / installed, here.parent / checkout):
        if all((folder / marker).is_file() for marker in markers):
            return folder
    from .errors import UsageError

    raise UsageError(f"near_safe's {what} is missing (looked in {here / installed}): "
                     "reinstall near-safe")


__all__ = ["C_KEYWORDS", "CACHE_ENV", "NEAR", "NEARC_EXPORT_ATTRIBUTE", "NEARC_EXPORT_DECORATORS",
           "TGAS", "cache_root", "shipped_folder"]
