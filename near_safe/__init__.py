"""near_safe: NEAR's safe cross-contract patterns by construction, for Python contracts.

Two sides (docs/architecture.md).  The *contract side* - ``near_safe/_root.py`` and
``near_safe/contract/`` - is frozen into every contract's Wasm and runs under MicroPython; the
builder freezes ``_root.py`` as this package's ``__init__.py``, so inside the Wasm
``import near_safe`` runs it directly and this file does not exist there.  The *CPython side* -
``near_safe.testing`` (embedded runtime, pytest plugin), ``near_safe.builder``,
``near_safe.check``, ``near_safe.explore``, ``near_safe.cli``, ... - is never frozen.

Under CPython this file is only the package's front door: importing a tool runs nothing of the
contract side.  The first use of a contract-side name (``from near_safe import call, state``, as
a contract run in CPython mode or a test does) imports ``_root`` and is served from it; the
names are never copied, so ``near_safe.X is near_safe._root.X``.
"""

__version__ = "0.1.0"


def _load():
    import importlib  # not `from . import _root`: that asks this module for `_root` first

    return importlib.import_module(__name__ + "._root")


def __getattr__(name):
    if (name.startswith("__") and name != "__all__") or name == "_root":
        raise AttributeError(name)  # copy/pickle/inspect probes: nothing to load for them
    if name == "near":  # the host module, bound as the root binds it, without loading the root:
        import sys  # contract/_state.py asks for it while the root imports it - or first of all

        if "near" in sys.builtin_module_names:  # nearc 0.10's CPython backend
            import near
        else:
            from ._host import near
        return near
    if name == "json":  # contract/_state.py takes it from the root as well (one import statement)
        import json

        return json
    _root = _load()
    return getattr(_root, name)  # the root's own __getattr__ serves the on-demand names


def __dir__():
    return sorted(set(globals()) | set(dir(_load())))
