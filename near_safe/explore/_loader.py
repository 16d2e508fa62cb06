"""Loading machines from files (CPython only): for printed reproduction tests and for
``near-safe explore FOLDER``."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from ..errors import UsageError


def _import_file(path: Path):
    path = path.resolve()
    name = "near_safe_explore_" + hashlib.sha256(str(path).encode()).hexdigest()[:12]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load_machine(path, name: str):
    """The Machine subclass ``name`` defined in the Python file ``path``."""
    from ._machine import Machine

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give the path of the file defining {name}")
    module = _import_file(path)
    machine = getattr(module, name, None)
    if not (isinstance(machine, type) and issubclass(machine, Machine)):
        raise UsageError(f"{path} defines no Machine subclass named {name!r}")
    return machine


def load_folder(folder):
    """The Machine ``near-safe explore FOLDER`` builds for a folder without explore.py."""
    from ._auto import machine_for_folder

    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    machine, _notes = machine_for_folder(folder)
    return machine
