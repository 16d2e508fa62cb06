"""Builder fixture: imports that never run in the Wasm (TYPE_CHECKING) or are guarded
against failing there must not stop the build.  In nearc's MicroPython port a missing module
raises OSError (ENOENT), not ImportError: the guard must catch OSError."""

from typing import TYPE_CHECKING

from near_sdk_py import view

if TYPE_CHECKING:
    from decimal import Decimal  # noqa: F401

try:
    import frobnicate_optional
except (ImportError, OSError):
    frobnicate_optional = None


@view
def ok():
    return "ok"
