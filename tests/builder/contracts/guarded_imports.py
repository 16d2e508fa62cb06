"""Builder fixture: imports that never run in the Wasm (TYPE_CHECKING, try/except ImportError)
must not stop the build."""

from typing import TYPE_CHECKING

from near_sdk_py import view

if TYPE_CHECKING:
    from decimal import Decimal  # noqa: F401

try:
    import frobnicate_optional
except ImportError:
    frobnicate_optional = None


@view
def ok():
    return "ok"
