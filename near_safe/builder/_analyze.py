"""Static analysis of a contract before the toolchain runs (CPython only).

Everything here is cheap (``ast`` only, no nearc import) because it also runs on a cache hit:
the cache key needs the exact set of files that will be frozen into the Wasm.

What it decides:

* syntax errors, reported as ``file:line:col`` before emcc is ever invoked;
* the exported methods, by the same rule as nearc 0.8.8's ``analyzer.find_exports`` (a decorator
  whose bare name is ``export``/``view``/``call``/``init``/``callback``/``multi_callback``, also
  called, or ``near.export``);
* which modules to freeze.  nearc freezes *every* ``.py`` file under the contract's folder; we
  freeze only the local modules the contract imports, transitively, so test files and unrelated
  scripts next to a contract never reach the chain.  ``near_safe`` is frozen from its real
  location with only its contract-side files; installed packages the contract imports are frozen
  whole, as nearc does.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .._facts import C_KEYWORDS  # noqa: F401  (nearc's export-name rule, one home)
from .._facts import NEARC_EXPORT_DECORATORS as EXPORT_DECORATORS
from ..errors import BuildError

# nearc always adds these two exports itself (metadata and ABI); they do not count as the
# contract's own methods.
NEARC_INJECTED_EXPORTS = frozenset({"contract_source_metadata", "__contract_abi"})

# Modules built into nearc's webassembly-near MicroPython port (read from the warmed build's
# genhdr/moduledefs.collected) plus the ones nearc's manifest always freezes (micropython-lib
# stdlib packages and the typing stubs).  `near` is the host-function module (modnear.c).
MPY_BUILTIN_MODULES = frozenset(
    {
        "array", "binascii", "builtins", "cmath", "collections", "errno", "gc", "hashlib",
        "heapq", "io", "json", "math", "micropython", "msgpack", "near", "os", "platform",
        "random", "re", "select", "struct", "sys", "time", "uctypes", "deflate",
        "framebuf", "_asyncio", "__future__",
    }
)
# nearc 0.8.8 analyzer.MPY_LIB_PACKAGES: nearc counts them as MicroPython's, but its manifest
# never freezes them (and a contract has no network or files): importing one fails in the Wasm.
NEARC_UNFROZEN_LIB_PACKAGES = frozenset({"aiohttp", "cbor2", "iperf3", "pyjwt", "requests"})
# nearc 0.8.8 analyzer: MPY_MODULES and MPY_STDLIB_PACKAGES (top-level names), which its
# manifest freezes with require().
NEARC_MPY_PACKAGES = frozenset(
    {
        "array", "builtins", "json", "os", "random", "struct", "sys",
        "binascii", "contextlib", "fnmatch", "hmac", "keyword", "pprint", "stat", "tempfile",
        "types", "warnings", "__future__", "bisect", "copy", "functools", "html", "locale",
        "pathlib", "quopri", "string", "textwrap", "unittest", "zlib", "abc", "cmd", "curses",
        "gzip", "inspect", "logging", "pickle", "threading", "argparse", "collections",
        "datetime", "hashlib", "io", "operator", "pkg_resources", "shutil", "tarfile", "time",
        "uu", "base64", "errno", "heapq", "itertools", "pkgutil", "ssl", "traceback", "venv",
    }
)
TYPING_MODULES = frozenset({"typing", "typing_extensions"})

# near_safe: only these may be frozen (the rest is CPython-only tooling).
NEAR_SAFE = "near_safe"


def near_safe_root() -> Path:
    """The real folder of the near_safe package (it is installed editable, so nearc's
    site-packages lookup would not find it)."""
    import near_safe

    return Path(near_safe.__file__).resolve().parent


# The contract side's root is frozen as near_safe/__init__.py (the name file lists, cache keys,
# manifests and tracebacks use) from this source; near_safe/__init__.py itself is the CPython
# side's front door (it loads the root lazily) and is never frozen.
CONTRACT_ROOT = "_root.py"


def contract_source(rel: str) -> Path:
    """The source file of the contract-side file frozen as ``near_safe/<rel>``."""
    return near_safe_root() / (CONTRACT_ROOT if rel == "__init__.py" else rel)


def near_safe_contract_files() -> list[str]:
    """The near_safe files allowed in a Wasm, relative to the package folder, sorted:
    ``__init__.py`` and ``contract/*.py`` - exactly those."""
    root = near_safe_root()
    files = ["__init__.py"]
    files += sorted(f"contract/{p.name}" for p in (root / "contract").glob("*.py"))
    return files


def _root_getattr_branches() -> list[tuple[frozenset[str], frozenset[str]]]:
    """``(names, modules)`` for each branch of the contract-side root's ``__getattr__``: the
    names its test compares ``name`` with, and the ``contract/*.py`` files its body (or a
    stand-in it defines) imports - read from the root's source, the one list of them."""
    tree = ast.parse(contract_source("__init__.py").read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "__getattr__")
    out = []
    for branch in fn.body:
        if not isinstance(branch, ast.If):
            continue
        names = {k.value for c in ast.walk(branch.test) if isinstance(c, ast.Compare)
                 for cmp in c.comparators for k in (cmp.elts if isinstance(cmp, ast.Tuple) else [cmp])
                 if isinstance(k, ast.Constant) and type(k.value) is str}
        files = {f"contract/{a.name}.py" for body in branch.body for n in ast.walk(body)
                 if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module == "contract"
                 for a in n.names}
        out.append((frozenset(names), frozenset(files)))
    return out


def _on_demand_files() -> dict[str, frozenset[str]]:
    """near_safe's contract modules that only the root's ``__getattr__`` loads, by the names
    that load them (a module another of them imports - _sdk for _sdk_extra - by those names
    too), plus _route, frozen when near_sdk_py is (it routes near-sdk-py's collections in
    callbacks)."""
    files: dict[str, set[str]] = {"contract/_route.py": set()}
    for names, modules in _root_getattr_branches():
        for f in modules:
            files.setdefault(f, set()).update(names)
    for f in list(files):
        tree = ast.parse(contract_source(f).read_text(encoding="utf-8"))
        for n in ast.walk(tree):  # `from ._sdk import ...` in _sdk_extra
            dep = f"contract/{n.module}.py" if isinstance(n, ast.ImportFrom) and n.level == 1 \
                and n.module else None
            if dep in files and dep != f:
                files[dep] |= files[f]
    return {f: frozenset(names) for f, names in files.items()}


# Frozen only into a contract that uses one of those names: each frozen byte costs every call
# its loading gas (docs/gas-model.md).
ON_DEMAND_FILES = _on_demand_files()


def _identifiers(tree: ast.Module) -> set[str]:
    """Every name, attribute and imported name a module's code mentions."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.name.rpartition(".")[2])
    return names


def _is_mpy_available(top: str) -> bool:
    if top in MPY_BUILTIN_MODULES or top in NEARC_MPY_PACKAGES or top in TYPING_MODULES:
        return True
    # MicroPython still accepts the old u-prefixed names (ujson, utime, ...).
    return top.startswith("u") and top[1:] in MPY_BUILTIN_MODULES


@dataclass(frozen=True)
class Import:
    """One import statement target, absolute dotted name, with where it was written."""

    name: str
    file: Path
    line: int
    optional: bool  # under `if TYPE_CHECKING` or in a `try` that catches ImportError
    candidate: bool = False  # `from pkg import name`: pkg.name, which may be a plain name
    import_error_guard: bool = False  # in a `try` whose handlers catch only ImportError


@dataclass
class Plan:
    """What one build freezes: the inputs of the cache key and of the manifest."""

    contract: Path
    source: str
    exports: list[str]
    local_modules: dict[str, Path] = field(default_factory=dict)  # target path -> real file
    near_safe_files: list[str] = field(default_factory=list)  # relative to near_safe_root()
    packages: dict[str, Path] = field(default_factory=dict)  # installed top-level name -> path
    imports: list[Import] = field(default_factory=list)
    # The bytes the analysis parsed (the build's snapshot starts from them, _build.Snapshot).
    local_sources: dict[str, bytes] = field(default_factory=dict)  # target -> bytes
    near_safe_sources: dict[str, bytes] = field(default_factory=dict)  # relative path -> bytes
    # Where near_safe's files are frozen from: None is the installed package; a build points it
    # at its staged copy.
    near_safe_root: Path | None = None


def parse_source(path: Path, source: str) -> ast.Module:
    """Parse, turning a SyntaxError into a BuildError with file:line:col."""
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        line = exc.lineno or 0
        col = exc.offset or 0
        text = (exc.text or "").rstrip("\n")
        where = f"{path}:{line}:{col}"
        detail = f"\n    {text}\n    {' ' * max(col - 1, 0)}^" if text else ""
        raise BuildError(
            f"{where}: syntax error: {exc.msg}{detail}\n"
            f"fix the Python syntax in {path.name} and build again"
        ) from None


def _plain_decorator(dec: ast.expr) -> bool:
    """``name``, ``a.b.c`` or a call of one: the decorator forms MicroPython parses."""
    target = dec.func if isinstance(dec, ast.Call) else dec
    while isinstance(target, ast.Attribute):
        target = target.value
    return isinstance(target, ast.Name)


def check_micropython_syntax(tree: ast.Module, path: Path) -> None:
    """Reject valid CPython syntax that MicroPython's compiler does not support, with
    file:line:col.  Measured with nearc 0.8.8's mpy-cross, which on these does not report a
    SyntaxError but crashes ("FATAL: uncaught NLR") without saying where."""

    def fail(node: ast.AST, what: str, fix: str) -> None:
        raise BuildError(
            f"{path}:{node.lineno}:{node.col_offset + 1}: MicroPython, which runs the contract, "
            f"does not support {what}: {fix}"
        )

    for node in ast.walk(tree):
        if isinstance(node, ast.Match):
            fail(node, "match statements", "use if/elif")
        elif isinstance(node, ast.TryStar):
            fail(node, "except* (exception groups)", "use a plain except")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if node.args.posonlyargs:
                fail(node, "positional-only parameters (/)", "remove the / from the signature")
            for dec in getattr(node, "decorator_list", []):
                if not _plain_decorator(dec):
                    fail(dec, "this decorator expression", "assign it to a name first and "
                         "decorate with @name")
        elif isinstance(node, ast.ClassDef):
            for dec in node.decorator_list:
                if not _plain_decorator(dec):
                    fail(dec, "this decorator expression", "assign it to a name first and "
                         "decorate with @name")
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and not isinstance(
            getattr(node, "ctx", ast.Load()), ast.Store
        ):
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    fail(elt, "* unpacking inside a list, tuple or set display",
                         "build it with list(...) + [...] or .extend()")
        elif isinstance(node, ast.Dict) and any(k is None for k in node.keys):
            fail(node, "** unpacking inside a dict display", "copy the dict and .update() it")


def _decorator_name(dec: ast.expr) -> str | None:
    if isinstance(dec, ast.Name):
        return dec.id
    if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Name):
        return dec.func.id
    if (isinstance(dec, ast.Attribute) and isinstance(dec.value, ast.Name)
            and dec.value.id == "near" and dec.attr == "export"):
        return "near.export"
    return None


def _attribute_decorator(dec: ast.expr) -> str | None:
    """``@x.call`` / ``@x.view(...)``: looks exported but nearc does not export it."""
    target = dec.func if isinstance(dec, ast.Call) else dec
    if isinstance(target, ast.Attribute) and target.attr in EXPORT_DECORATORS:
        return ast.unparse(target)
    return None


def find_exports(tree: ast.Module) -> tuple[list[str], list[str]]:
    """Return (exported method names, methods with a look-alike decorator nearc ignores)."""
    exports, lookalikes = set(), []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        names = [_decorator_name(d) for d in node.decorator_list]
        if any(n in EXPORT_DECORATORS or n == "near.export" for n in names):
            exports.add(node.name)
            continue
        for dec in node.decorator_list:
            written = _attribute_decorator(dec)
            if written:
                lookalikes.append(f"{node.name} (@{written}, line {dec.lineno})")
                break
    from ._misuse import CLAIM_EXPORT, claim_export_needed

    if exports and CLAIM_EXPORT not in exports and claim_export_needed(tree):
        exports.add(CLAIM_EXPORT)  # the builder adds it (_misuse.CLAIM_SOURCE)
    return sorted(exports), lookalikes


def _type_checking_test(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _cpython_only_branch(test: ast.expr) -> str | None:
    """Which branch of an ``if`` never runs in the Wasm: "body" for ``if TYPE_CHECKING`` and
    ``if sys.implementation.name != "micropython"``, "orelse" for ``== "micropython"``; the
    same through ``or`` (``== "micropython" or X``: its "orelse") and ``and`` (``!= ... and X``:
    its "body"), which MicroPython short-circuits."""
    if _type_checking_test(test):
        return "body"
    if isinstance(test, ast.BoolOp):
        kinds = {_cpython_only_branch(v) for v in test.values}
        if isinstance(test.op, ast.Or) and "orelse" in kinds:
            return "orelse"
        if isinstance(test.op, ast.And) and "body" in kinds:
            return "body"
        return None
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.left, ast.Attribute)
        and ast.unparse(test.left) == "sys.implementation.name"
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "micropython"
    ):
        if isinstance(test.ops[0], ast.NotEq):
            return "body"
        if isinstance(test.ops[0], ast.Eq):
            return "orelse"
    return None


def _guard_kind(handlers: list[ast.ExceptHandler]) -> str | None:
    """How a ``try`` around an import guards it in the Wasm: "full" when a handler catches
    OSError (or everything), "import_error" when it catches only ImportError.  In nearc's
    MicroPython port a missing module raises ``OSError: [Errno 2] ENOENT``, not ImportError
    (measured: the contract then fails to load), so only the first is a real guard."""
    kind = None
    for h in handlers:
        if h.type is None:
            return "full"
        names = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
        for n in names:
            if isinstance(n, ast.Name):
                if n.id in ("OSError", "Exception", "BaseException"):
                    return "full"
                if n.id in ("ImportError", "ModuleNotFoundError"):
                    kind = "import_error"
    return kind


def find_imports(tree: ast.Module, file: Path, package: str | None) -> list[Import]:
    """Every import in the module (function bodies too, as nearc does), as absolute names.
    ``package`` is the dotted package the file belongs to (for relative imports)."""
    found: list[Import] = []

    def absolute(module: str | None, level: int) -> str | None:
        if level == 0:
            return module
        if not package:
            return None  # a relative import at top level: Python itself rejects it
        parts = package.split(".")
        if level - 1 >= len(parts):
            return None  # beyond the top-level package: Python rejects it too
        base = parts[: len(parts) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    def visit(node: ast.AST, optional: bool, import_error_guard: bool = False) -> None:
        if isinstance(node, ast.If):
            cpython_only = _cpython_only_branch(node.test)
            if cpython_only is not None:
                for child in node.body:
                    visit(child, optional or cpython_only == "body", import_error_guard)
                for child in node.orelse:
                    visit(child, optional or cpython_only == "orelse", import_error_guard)
                return
        if isinstance(node, ast.Try):
            kind = _guard_kind(node.handlers)
            for child in node.body:
                if kind == "import_error" and not optional:
                    visit(child, False, import_error_guard=True)
                else:
                    visit(child, optional or kind == "full", import_error_guard)
            for child in node.handlers + node.orelse + node.finalbody:
                visit(child, optional, import_error_guard)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(alias.name, file, node.lineno, optional,
                                     import_error_guard=import_error_guard))
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node.module, node.level)
            if base is not None:
                found.append(Import(base, file, node.lineno, optional,
                                     import_error_guard=import_error_guard))
                # `from pkg import sub` may name a submodule: record it as a candidate.
                for alias in node.names:
                    if alias.name != "*":
                        found.append(
                            Import(f"{base}.{alias.name}", file, node.lineno, optional, True,
                                   import_error_guard)
                        )
        for child in ast.iter_child_nodes(node):
            visit(child, optional, import_error_guard)

    visit(tree, False)
    return found


def _local_target(contract_dir: Path, dotted: str) -> tuple[str, Path] | None:
    """A local module next to the contract: (manifest target path, real file) or None."""
    parts = dotted.split(".")
    base = contract_dir.joinpath(*parts)
    if base.with_suffix(".py").is_file() and base.name != "__init__":
        return "/".join(parts) + ".py", base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return "/".join(parts) + "/__init__.py", base / "__init__.py"
    return None


def _installed_location(top: str, contract_dir: Path) -> Path | None:
    """Where an installed top-level module lives, without importing it.  The current folder
    and the contract's folder are not "installed" (a script run from elsewhere, or pytest's
    rootdir insertion, must not decide what gets frozen)."""
    here = {os.getcwd(), str(contract_dir)}
    search = [p for p in sys.path if p and os.path.abspath(p) not in here]
    try:
        spec = importlib.machinery.PathFinder.find_spec(top, search)
        if spec is None:  # editable installs are found by finders on sys.meta_path
            spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        location = Path(next(iter(spec.submodule_search_locations)))
    elif spec.origin and spec.origin not in ("built-in", "frozen"):
        location = Path(spec.origin)
    else:
        return None
    if str(location.parent) in here:
        return None
    return location


def plan_build(contract: Path) -> Plan:
    """Analyse ``contract`` and everything it imports; raise BuildError for anything that
    cannot become a Wasm (syntax error, no export, unfreezable import)."""
    contract = Path(contract)
    if not contract.is_file():
        hint = "check the path" if contract.suffix == ".py" else "pass a .py contract file"
        raise BuildError(f"contract file not found: {contract} ({hint})")
    if contract.suffix != ".py":
        raise BuildError(f"{contract}: a contract is a Python source file ending in .py "
                         "(rename it, or deploy a .wasm directly instead of building it)")
    contract = contract.resolve()
    try:
        source = contract.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{contract}: not UTF-8 text ({exc.reason} at byte {exc.start}): "
                         "save the contract as UTF-8") from None
    tree = parse_source(contract, source)
    check_micropython_syntax(tree, contract)

    exports, lookalikes = find_exports(tree)
    bad = [e for e in exports if e in C_KEYWORDS]
    if bad:
        raise BuildError(
            f"{contract}: exported method name(s) {', '.join(bad)} are C keywords, which nearc "
            "cannot export: rename the method(s)"
        )
    if not exports:
        msg = (
            f"{contract}: no exported methods: nearc exports a method only when one of its "
            "decorators is named view, call, init, callback or multi_callback (bare or called, "
            "e.g. @call or @call(payable=True)), export or near.export"
        )
        if lookalikes:
            msg += (
                "; these decorators are written through an attribute and are NOT exported: "
                + ", ".join(lookalikes)
                + " - import the decorator by name (from near_safe import call) and write @call"
            )
        raise BuildError(msg)

    plan = Plan(contract=contract, source=source, exports=exports)
    contract_dir = contract.parent
    ns_root = near_safe_root()
    ns_allowed = {"near_safe", "near_safe.contract"} | {
        "near_safe.contract." + Path(f).stem for f in near_safe_contract_files()[1:]
    }

    # Breadth-first over the contract and the local modules it reaches.
    queue: list[tuple[Path, str | None, ast.Module]] = [(contract, None, tree)]
    seen_files = {contract}
    mentioned: set[str] = set()  # for ON_DEMAND_FILES
    while queue:
        file, package, module_tree = queue.pop(0)
        mentioned |= _identifiers(module_tree)
        for imp in find_imports(module_tree, file, package):
            plan.imports.append(imp)
            top = imp.name.split(".")[0]
            if top == NEAR_SAFE:
                if not imp.optional:
                    _check_near_safe_import(imp, ns_root, ns_allowed)
                    plan.near_safe_files = near_safe_contract_files()
                continue
            local = _local_target(contract_dir, imp.name)
            if local is None and _local_target(contract_dir, top) is not None:
                local = _local_target(contract_dir, top)
            if local is not None:
                # Also freeze each parent package's __init__.py of a dotted local import.
                parts = imp.name.split(".")
                targets = [local]
                for i in range(1, len(parts)):
                    parent = _local_target(contract_dir, ".".join(parts[:i]))
                    if parent is not None:
                        targets.append(parent)
                for target, real in targets:
                    if real.resolve() == contract:
                        continue
                    if target not in plan.local_modules:
                        plan.local_modules[target] = real
                        sub_bytes = real.read_bytes()
                        plan.local_sources[target] = sub_bytes
                        sub_src = sub_bytes.decode("utf-8")
                        sub_tree = parse_source(real, sub_src)
                        check_micropython_syntax(sub_tree, real)
                        sub_pkg = target[:-3].replace("/", ".")
                        if not target.endswith("__init__.py"):
                            sub_pkg = sub_pkg.rpartition(".")[0] or None
                        else:
                            sub_pkg = sub_pkg[: -len(".__init__")]
                        if real not in seen_files:
                            seen_files.add(real)
                            queue.append((real, sub_pkg, sub_tree))
                continue
            if imp.candidate:
                continue  # a `from x import name` candidate that is not a local submodule
            if top in NEARC_UNFROZEN_LIB_PACKAGES and not imp.optional:
                _unfreezable(imp, top, "nearc lists it as a MicroPython library but never freezes "
                             "it, and a contract has no network or files: remove the import")
            if _is_mpy_available(top):
                continue
            if top in plan.packages:
                continue
            location = _installed_location(top, contract_dir)
            if location is not None and top not in sys.stdlib_module_names:
                if location.suffix in (".so", ".pyd"):
                    _unfreezable(imp, top, "it is a compiled extension module, which cannot "
                                 "run inside the Wasm: use a pure-Python package instead")
                plan.packages[top] = location
                continue
            if imp.optional:
                continue  # guarded import (TYPE_CHECKING / try-except ImportError)
            if top in sys.stdlib_module_names:
                _unfreezable(imp, top, "it is CPython standard library that MicroPython (which "
                             "runs the contract) does not have: remove the import or use a "
                             "MicroPython module (json, math, re, struct, collections, ...)")
            _unfreezable(imp, top, f"it is not a MicroPython module, not a local module in "
                         f"{contract_dir} and not installed: install it (pip install {top}), "
                         f"put {top}.py next to the contract, or remove the import")
    if plan.near_safe_files:
        plan.near_safe_files = [
            f for f in plan.near_safe_files
            if f not in ON_DEMAND_FILES or ON_DEMAND_FILES[f] & mentioned
            or (f == "contract/_route.py" and "near_sdk_py" in plan.packages)]
        _add_near_safe_dependencies(plan, ns_root)
    return plan


def _add_near_safe_dependencies(plan: Plan, ns_root: Path) -> None:
    """near_safe's contract side imports near_sdk_py (and maybe more): freeze those too."""
    for rel in plan.near_safe_files:
        file = contract_source(rel)
        data = file.read_bytes()
        plan.near_safe_sources[rel] = data
        tree = parse_source(file, data.decode("utf-8"))
        for imp in find_imports(tree, file, "near_safe" if rel == "__init__.py" else "near_safe.contract"):
            top = imp.name.split(".")[0]
            if imp.optional:
                continue
            if top == NEAR_SAFE:
                allowed = {"near_safe", "near_safe.contract"} | {
                    "near_safe." + f[:-3].replace("/", ".")
                    for f in plan.near_safe_files[1:] + list(ON_DEMAND_FILES)
                }  # an on-demand module left out is imported only by names the contract lacks
                if imp.name not in allowed and not (
                    imp.candidate and not _module_exists_in(ns_root, imp.name.split(".")[1:])
                ):
                    _unfreezable(imp, top, "near_safe's contract side imports its CPython-only "
                                 "part outside an `if sys.implementation.name != "
                                 "\"micropython\"` guard: this is a near_safe bug, please report it")
                continue
            if imp.candidate or _is_mpy_available(top):
                continue
            if top in plan.packages:
                continue
            location = _installed_location(top, plan.contract.parent)
            if location is None or top in sys.stdlib_module_names:
                _unfreezable(imp, top, "near_safe's contract side imports a module MicroPython "
                             "does not have: this is a near_safe bug, please report it")
            plan.packages[top] = location


def _check_near_safe_import(imp: Import, ns_root: Path, allowed: set[str]) -> None:
    """Contracts may import near_safe and near_safe.contract(.x) only."""
    if imp.name in allowed:
        return
    parts = imp.name.split(".")
    if imp.candidate and not _module_exists_in(ns_root, parts[1:]):
        return  # `from near_safe import view`: a name, not a module
    raise BuildError(
        f"{imp.file}:{imp.line}: import '{imp.name}': only near_safe and near_safe.contract are "
        "available inside a contract; the rest of near_safe is CPython-only tooling (runtime, "
        "builder, checker) that never reaches the chain. Import it from your tests instead."
    )


def _module_exists_in(root: Path, parts: list[str]) -> bool:
    p = root.joinpath(*parts)
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


def _unfreezable(imp: Import, top: str, why: str) -> None:
    if imp.import_error_guard:
        why += (". Note: `except ImportError` does not guard it: inside the contract's Wasm a "
                "missing module raises OSError (ENOENT), so write `except (ImportError, "
                "OSError):` if the import is really optional")
    raise BuildError(f"{imp.file}:{imp.line}: cannot freeze import '{imp.name}' into the Wasm: {why}")
