"""near-sdk-py collections inside a near_safe callback body (contract side, MicroPython-safe;
imported by the callback wrapper only when ``near_sdk_py.collections`` is loaded).

The collections (LookupMap, Vector, ...) call ``near.storage_read/write/remove/has_key``
through their modules' ``near`` global, so their writes would bypass the buffer that drops a
raising callback body's writes.  ``route`` points that global at the buffer while the body
runs and back at the host module afterwards (docs/classes.md).
"""

from .. import near  # the host module (a stand-in under CPython: near_safe._host)
from . import _state


class _Buffered:
    """The four host functions near-sdk-py's collections call, through near_safe's state (the
    callback body's buffer)."""

    @staticmethod
    def storage_read(key):
        return _state.read(key)

    @staticmethod
    def storage_write(key, value):
        _state.write(key, value)

    @staticmethod
    def storage_remove(key):
        old = _state.read(key)
        _state.remove(key)
        return old

    @staticmethod
    def storage_has_key(key):
        return _state.has(key)


# the modules of near_sdk_py.collections that call the host module (1.0.0)
_COLLECTIONS = ("adapter", "base", "lookup_map", "lookup_set", "tree_map", "unordered_map",
                "unordered_set")


def route(buffered, modules):
    """Point the loaded near-sdk-py collection modules' ``near`` at the buffer (``buffered``)
    or back at the host module.  Called by near_safe's callback wrapper, only when
    ``near_sdk_py.collections.adapter`` is loaded."""
    for name in _COLLECTIONS:
        m = modules.get("near_sdk_py.collections." + name)
        if m is not None:
            m.near = _Buffered if buffered else near
