"""Loading a contract for CPython mode: its source as the builder freezes it (nearc's
injections), its local modules imported afresh per call, and the shared contract-side packages'
module state put back after each call.  CPython only.
"""

from __future__ import annotations

import os
import sys
import types

from ._mpbuild import check_build, import_failure, missing_module
from ._mpobjects import _FROZEN_BUILTINS, compile_contract_code
from ._mpport import BASELINE, PACKAGE_BASELINE


def _heap_baseline(tree) -> int:
    """Heap in use when the method starts (_mpport): start-up plus the frozen packages the
    contract imports."""
    import ast

    tops = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            tops.add(node.module.split(".")[0])
    return BASELINE + sum(PACKAGE_BASELINE.get(t, 0) for t in tops)

# ------------------------------------------------------------------ the contract's code


class _Contract:
    """A contract source compiled the way near_safe's builder freezes it (cached per path,
    mtime and size).

    ``code``: the module the Wasm runs - the source plus what nearc's injections append
    (``inject_contract_exports`` for class-based contracts: an instance and module-level names
    bound to its exported methods; ``inject_abi``: ``__contract_abi``;
    ``inject_metadata_function``: ``contract_source_metadata``), produced by the same nearc
    functions on a staged copy, as ``near_safe.builder`` does.  Compiled with the real file
    name, so debuggers and coverage see the real file (the injected code follows its last
    line).  ``exports``: the builder's export list (``near_safe.builder._analyze``).
    ``frozen_name``: the frozen module's name, the contract's file name (tracebacks)."""

    def __init__(self, path: str, source: str):
        from pathlib import Path

        from ....builder import _analyze

        self.path = path
        self.dir = os.path.dirname(path)
        self.dir_prefix = os.path.join(self.dir, "")
        self.frozen_name = os.path.basename(path)
        self.local_names = None  # (module names, package prefixes) of the folder, on first use
        self.frozen_locals = None  # the local modules the builder freezes ("pkg/mod.py"), if known
        # a syntax error is the builder's BuildError, naming the line and the fix
        tree = _analyze.parse_source(Path(path), source)
        exports, _ = _analyze.find_exports(tree)
        check_build(source, tree, path)  # what the Wasm build refuses beyond the analysis
        self.heap_baseline = _heap_baseline(tree)
        if _reads(path) == source:
            # what the builder refuses (no export, an import MicroPython cannot have, an
            # export named like a C keyword) CPython mode refuses too, with the same BuildError
            plan = _analyze.plan_build(Path(path))
            exports = plan.exports
            self.frozen_locals = frozenset(plan.local_modules)
        self.exports = frozenset(exports) | _analyze.NEARC_INJECTED_EXPORTS
        self.code = compile_contract_code(_nearc_injected_source(path, source), path)


def _reads(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def _nearc_injected_source(path: str, source: str) -> str:
    """The contract source after nearc's three injections, run exactly as
    ``near_safe.builder._build._stage_sources`` runs them: on a copy in a side folder holding
    the contract's pyproject.toml, never in the user's folder.  Without nearc installed (CPython
    mode does not need the build toolchain) the source runs as written: ``__contract_abi`` and
    ``contract_source_metadata`` are then missing (the call panics with a NameError)."""
    import shutil
    import tempfile
    from pathlib import Path

    from ....builder._misuse import staged_source

    source = staged_source(source, path, True)  # annotations -> args= (as the builder does)
    try:
        from nearc.abi import inject_abi
        from nearc.exports import inject_contract_exports
        from nearc.metadata import inject_metadata_function
        from nearc.utils import console
    except ImportError:
        return source
    pyproject = Path(path).parent / "pyproject.toml"
    quiet = console.quiet
    console.quiet = True
    try:
        with tempfile.TemporaryDirectory(prefix="near_safe_pymode_") as tmp:
            inject = Path(tmp) / "inject"
            inject.mkdir()
            staged = inject / os.path.basename(path)
            staged.write_text(source, encoding="utf-8")
            if pyproject.is_file():
                shutil.copyfile(pyproject, inject / "pyproject.toml")
            step = inject_contract_exports(staged)
            try:
                from near_safe.builder._build import abi_runs_the_contract

                if not abi_runs_the_contract():  # nearc >= 0.9: no ABI, as the builder does
                    step = inject_abi(step)
            except Exception:  # noqa: BLE001, S110  the builder refuses such a contract: no ABI
                pass
            step = inject_metadata_function(step)
            return step.read_text(encoding="utf-8")
    finally:
        console.quiet = quiet


_contracts: dict = {}  # path -> (stat key, _Contract)
_by_code: dict = {}  # (source_path, sha256 of the deployed source) -> _Contract
_module_code: dict = {}  # local module path -> (stat key, code)


def _stat_key(path: str):
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_size)


def load_contract(path, source: bytes | None = None, digest=None) -> _Contract:
    """The compiled contract at ``path``.  With ``source`` (the deployed bytes) and its
    ``digest``, cached per (path, digest): what runs is what was deployed, even if the file
    changed since.  Without, the file is read and cached per (path, mtime, size)."""
    path = os.path.abspath(path)
    if source is not None:
        key = digest if digest is not None else hash(source)
    else:
        key = _stat_key(path)
    hit = _contracts.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    if source is None:
        with open(path, "rb") as f:
            source = f.read()
    contract = _Contract(path, source.decode("utf-8"))
    _contracts[path] = (key, contract)
    return contract


# ------------------------------------------------------------- local sibling modules


# imported once per process and shared between calls (see module docstring)
SHARED_MODULES = frozenset({"near", "near_sdk_py", "near_safe"})


def _local_code(path: str):
    key = _stat_key(path)
    hit = _module_code.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    import ast

    with open(path, "rb") as f:
        source = f.read().decode("utf-8")
    check_build(source, ast.parse(source, path), path)
    code = compile_contract_code(source, path)
    _module_code[path] = (key, code)
    return code


class _LocalLoader:
    def __init__(self, path: str):
        self.path = path

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__dict__["__builtins__"] = _FROZEN_BUILTINS
        exec(_local_code(self.path), module.__dict__)  # noqa: S102  contract code


class _ImportMiss(OSError):
    """What importing a module the Wasm does not contain raises there (measured): the
    ImportError is overwritten (NLR_WASM) by the failed file read of the port's
    ``mp_lexer_new_from_file``: ``OSError: [Errno 2] ENOENT``, with an empty-named frame."""

    mp_extra_frames = ('  File "", line 1, in <module>\n',)


_ImportMiss.__name__ = _ImportMiss.__qualname__ = "OSError"


def _raise_import_failure(failure):
    """Raise what a failed import does in the Wasm: an exception, or a trap (a str: its kind;
    "GasExceeded" for a host abort)."""
    if isinstance(failure, str):
        from ._modnear import HostAbort, _trap
        from ._mpobjects import _running
        from ..logic import host_error

        host = _running[0]
        if failure == "GasExceeded":
            host._abort = HostAbort(host_error("GasExceeded"))
            raise host._abort
        raise _trap(host, failure)
    raise failure


def _not_frozen():
    return _ImportMiss(2, "ENOENT")


_MPOBJECTS_FILE = sys.modules[compile_contract_code.__module__].__file__


def _imported_by_contract_code() -> bool:
    """Whether the import in progress comes from contract code (the contract or one of its
    local modules, whose builtins are the frozen ones), not from a library it calls."""
    frame = sys._getframe(2)
    while frame is not None and (frame.f_code.co_filename.startswith("<frozen importlib")
                                 or frame.f_code.co_filename == _MPOBJECTS_FILE):
        frame = frame.f_back
    return frame is not None and frame.f_globals.get("__builtins__") is _FROZEN_BUILTINS


class _LocalFinder:
    """Imports the contract folder's own modules afresh for each call (MicroPython re-runs them
    per call).  Only those the builder freezes (the ones the contract imports, as its analysis
    sees them); another module of the folder fails to import as in the Wasm (:class:`_ImportMiss`)."""

    def __init__(self, root: str, frozen=None):
        self.root = root
        self.prefix = os.path.join(root, "")
        self.frozen = frozen  # relative paths the builder freezes; None: every .py
        self.loaded = []

    def find_spec(self, fullname, path=None, target=None):
        import importlib.util

        if not _imported_by_contract_code():
            return None  # a library's import during the call (``token`` for ``tokenize``...)
        failure = import_failure(fullname)
        if failure is not None:  # frozen, but fails to import in the Wasm (measured)
            _raise_import_failure(failure)
        if path is None:
            if fullname in SHARED_MODULES:
                return None
            base, name = self.root, fullname
        else:
            base = next((p for p in path if p == self.root or p.startswith(self.prefix)), None)
            if base is None:
                return None
            name = fullname.rpartition(".")[2]
        candidate = os.path.join(base, name)
        if os.path.isfile(candidate + ".py"):
            file, search = candidate + ".py", None
        elif os.path.isfile(os.path.join(candidate, "__init__.py")):
            file, search = os.path.join(candidate, "__init__.py"), [candidate]
        else:
            return None
        if self.frozen is not None:
            rel = os.path.relpath(file, self.root).replace(os.sep, "/")
            if rel not in self.frozen:  # not in the Wasm: MicroPython's import fails
                _raise_import_failure(missing_module(fullname))
        self.loaded.append(fullname)
        return importlib.util.spec_from_file_location(
            fullname, file, loader=_LocalLoader(file), submodule_search_locations=search)

    def local_names(self):
        """Top-level names this finder serves, and the ``name.`` prefixes of the packages."""
        names, packages = [], []
        for entry in os.listdir(self.root):
            stem, ext = os.path.splitext(entry)
            if ext == ".py" and stem not in SHARED_MODULES:
                names.append(stem)
            elif (os.path.isfile(os.path.join(self.root, entry, "__init__.py"))
                  and entry not in SHARED_MODULES):
                names.append(entry)
                packages.append(entry + ".")
        return tuple(names), tuple(packages)


class _SharedModuleState:
    """Give the shared contract-side packages the module state they have right after import at
    the start of every call, as MicroPython re-imports them per call in the Wasm.

    ``near_sdk_py`` and near_safe's contract side (``near_safe``, ``near_safe.contract.*``) are
    imported once per process (re-executing them per call would cost more than the call).  Their
    module-level data - globals rebound by a call (``_op = ...``) and the contents of module-level
    dicts, lists and sets (a registry filled by decorators) - is recorded once, right after
    import, and put back after every call.  Not covered (documented): attributes of classes and
    objects, and the state of other installed packages a contract imports."""

    _PACKAGES = ("near_sdk_py", "near_safe.contract")
    _MODULES = ("near_safe._root",)  # the contract side's root (near_safe/__init__.py in the Wasm)
    _CONTAINERS = (dict, list, set, bytearray)
    _SKIP = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)

    def __init__(self):
        import importlib
        import pkgutil

        for name in self._MODULES:
            importlib.import_module(name)
        for package in self._PACKAGES:
            module = importlib.import_module(package)
            for info in pkgutil.walk_packages(module.__path__, package + "."):
                importlib.import_module(info.name)
        self.saved = []  # (module dict, name, value, copy of the container's contents or None)
        for name, module in list(sys.modules.items()):
            if not (name in self._MODULES
                    or any(name == p or name.startswith(p + ".") for p in self._PACKAGES)):
                continue
            for key, value in list(vars(module).items()):
                if key.startswith("__") or isinstance(value, self._SKIP):
                    continue
                if getattr(type(value), "__module__", None) == "typing":
                    continue  # typing aliases (List, Optional, ...)
                contents = value.copy() if isinstance(value, self._CONTAINERS) else None
                if contents is None and key.isupper():
                    continue  # an immutable CONSTANT: not rebound by contract code
                self.saved.append((vars(module), key, value, contents))

    def restore(self):
        for namespace, key, value, contents in self.saved:
            if namespace.get(key, _MISSING) is not value:
                namespace[key] = value
            if contents is not None and value != contents:
                if isinstance(value, (list, bytearray)):
                    value[:] = contents
                else:
                    value.clear()
                    value.update(contents)


_MISSING = object()
_shared_state = None


def _shared():
    global _shared_state
    if _shared_state is None:
        _shared_state = _SharedModuleState()
    return _shared_state


class _LocalImports:
    """Context manager: serve the contract's local modules fresh, then put ``sys.modules``
    back as it was.  Set aside during the call: modules of the names the contract's frozen
    local modules have (the contract must get its own, fresh), or - when the builder's list is
    unknown - modules the caller imported from the contract's folder.  A stdlib module that
    merely shares a name with some file of the folder is left alone."""

    def __init__(self, contract):
        self.finder = _LocalFinder(contract.dir, contract.frozen_locals)
        if contract.local_names is None:
            if contract.frozen_locals is not None:
                tops = {t.split("/")[0].removesuffix(".py") for t in contract.frozen_locals}
                packages = tuple(t.split("/")[0] + "." for t in contract.frozen_locals if "/" in t)
                contract.local_names = (tuple(tops), packages)
            else:
                contract.local_names = self.finder.local_names()
        self.names, self.packages = contract.local_names
        self.only_own = contract.frozen_locals is None

    def __enter__(self):
        modules = sys.modules
        prefix = self.finder.prefix
        self.saved = {}
        for name in self.names:
            module = modules.get(name)
            if module is not None and (not self.only_own or
                                       (getattr(module, "__file__", None) or "").startswith(prefix)):
                self.saved[name] = modules.pop(name)
        if self.packages:  # submodules of a local package the caller imported
            for name in [m for m in modules if m.startswith(self.packages)]:
                module = modules[name]
                if not self.only_own or (getattr(module, "__file__", None) or "").startswith(prefix):
                    self.saved[name] = modules.pop(name)
        sys.meta_path.insert(0, self.finder)
        return self

    def __exit__(self, *exc):
        try:
            sys.meta_path.remove(self.finder)
        except ValueError:
            pass
        modules = sys.modules
        for name in self.finder.loaded:
            modules.pop(name, None)
        modules.update(self.saved)
