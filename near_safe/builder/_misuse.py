"""Decorator misuse found at build time, from the syntax tree: the contract is never run.

In the Wasm, near_safe checks a method's decorator options lazily, when that method is called
(checking every method on every call would cost gas on every call).  Under CPython the same
decorators check their options when they are applied (``near_safe._setup`` / ``_check_spec``).
The builder finds the same misuses before the toolchain runs by reading the contract's syntax
tree (and the local modules it freezes): building a contract must not run it, because the
contract may be someone else's code (docs/architecture.md, "Trust boundaries").

What the tree decides, with the message ``near_safe`` itself raises (same order of checks):

* a positional argument to a decorator (``@call(True)``): options are keyword only;
* an option the decorator does not take (``@view(payable=True)``, ``@callback(private=True)``,
  any unknown name);
* ``args=`` that is a literal but not a dict (a list, a string, a number), a dict literal with a
  key that is not a string or is the reserved ``_ns``, or a kind that is not one of near_safe's
  (a string constant, ``INT``/``STR``/... imported from near_safe, ``optional(KIND)``);
* ``payable=`` and ``one_yocto=`` both true;
* ``max_result=`` that is not an int >= 0 (constant arithmetic is folded);
* ``result=`` with an unknown kind;
* ``args=`` declaring a name that is not a parameter of the function (unless it takes
  ``**kwargs``);
* two near_safe decorators stacked on one function.

What it cannot decide is left to the in-Wasm backstop (the method panics with the same message
on every call): options passed as ``**opts``, an ``args=`` or option value built at run time (a
name bound to a dict, a call, a comprehension), a kind held in a variable of the contract's own,
options of a near_safe decorator written above another library's decorator.
A decorator is recognised when its name was imported from ``near_safe`` (``from near_safe import
call``, also aliased, or assigned ``c = call``) or written ``near_safe.call`` after ``import
near_safe [as ns]``; a kind likewise (``K = INT``, or a string constant ``K = "int"``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import near_safe as _contract_side

from ..errors import BuildError

# The decorators' own tables (near_safe/__init__.py; importing it under CPython runs no contract
# code and installs nothing): one source for the run-time check and this build-time one.
ALLOWED = _contract_side._ALLOWED
HINT = _contract_side._HINT
KINDS = frozenset(_contract_side._DESC)
KIND_NAMES = {name: getattr(_contract_side, name)
              for name in ("INT", "STR", "BOOL", "AMOUNT", "ACCOUNT", "LIST", "DICT", "ANY")}


class _Unknown(Exception):
    """The tree cannot decide this value: leave it to the in-Wasm check."""


class _Names:
    """What the module's names mean at a point of its top level: near_safe decorators, kinds,
    ``optional`` and module aliases of near_safe."""

    def __init__(self):
        self.decorators: dict[str, str] = {}  # local name -> decorator kind
        self.kinds: dict[str, str] = {}  # local name -> kind string
        self.optional: set[str] = set()
        self.modules: set[str] = set()  # names bound to the near_safe module

    def copy(self) -> "_Names":
        other = _Names()
        other.decorators = dict(self.decorators)
        other.kinds = dict(self.kinds)
        other.optional = set(self.optional)
        other.modules = set(self.modules)
        return other

    def forget(self, name: str) -> None:
        self.decorators.pop(name, None)
        self.kinds.pop(name, None)
        self.optional.discard(name)
        self.modules.discard(name)

    def bind_import(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                self.forget(local)
                if alias.name == "near_safe" or (alias.asname is None
                                                 and alias.name.startswith("near_safe.")):
                    self.modules.add(local)
        elif isinstance(node, ast.ImportFrom):
            from_ns = node.level == 0 and node.module == "near_safe"
            for alias in node.names:
                if alias.name == "*":
                    if from_ns:
                        for k in ALLOWED:
                            self.decorators[k] = k
                        self.kinds.update(KIND_NAMES)
                        self.optional.add("optional")
                    continue
                local = alias.asname or alias.name
                self.forget(local)
                if not from_ns:
                    continue
                if alias.name in ALLOWED:
                    self.decorators[local] = alias.name
                elif alias.name in KIND_NAMES:
                    self.kinds[local] = KIND_NAMES[alias.name]
                elif alias.name == "optional":
                    self.optional.add(local)

    def rebind(self, node: ast.AST) -> None:
        """Forget every name a statement (or target) stores to."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                self.forget(sub.id)

    def decorator_kind(self, target: ast.expr) -> str | None:
        if isinstance(target, ast.Name):
            return self.decorators.get(target.id)
        if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id in self.modules and target.attr in ALLOWED):
            return target.attr
        return None

    def attr(self, node: ast.expr, table) -> str | None:
        """``near_safe.X`` / ``ns.X`` for X in ``table``."""
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in self.modules and node.attr in table):
            return node.attr
        return None


def _const(node: ast.expr):
    """The value of a constant expression (literals, unary +-, + - * // % << ** on ints), or
    raise _Unknown."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _const(node.operand)
        if type(v) in (int, float):
            return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = _const(node.left), _const(node.right)
        if type(a) is int and type(b) is int:
            op = node.op
            if isinstance(op, ast.Add):
                return a + b
            if isinstance(op, ast.Sub):
                return a - b
            if isinstance(op, ast.Mult) and abs(a) < 1 << 64 and abs(b) < 1 << 64:
                return a * b
            if isinstance(op, ast.FloorDiv) and b:
                return a // b
            if isinstance(op, ast.Mod) and b:
                return a % b
            if isinstance(op, ast.LShift) and 0 <= b <= 256:
                return a << b
            if isinstance(op, ast.Pow) and 0 <= b <= 256 and abs(a) < 1 << 16:
                return a ** b
    raise _Unknown


def _kind(node: ast.expr, names: _Names):
    """A declared kind: a constant, an imported kind name, ``optional(kind)``."""
    if isinstance(node, ast.Name) and node.id in names.kinds:
        return names.kinds[node.id]
    attr = names.attr(node, KIND_NAMES)
    if attr is not None:
        return KIND_NAMES[attr]
    if isinstance(node, ast.Call) and not node.keywords and len(node.args) == 1 and (
            (isinstance(node.func, ast.Name) and node.func.id in names.optional)
            or names.attr(node.func, {"optional"})):
        inner = _kind(node.args[0], names)
        if type(inner) is str:
            return "?" + inner
        raise _Unknown
    return _const(node)


def _misuse(kind: str, fn: str, what: str) -> str:
    return "@" + kind + " on " + fn + ": " + what


def _check_spec(kind: str, fn: str, spec: ast.expr, names: _Names) -> str | None:
    """near_safe._check_spec on an ``args=`` expression: a message, None, or _Unknown."""
    if isinstance(spec, (ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.SetComp,
                         ast.GeneratorExp, ast.JoinedStr, ast.Lambda)) or (
            isinstance(spec, ast.Constant) and spec.value is not None):
        return _misuse(kind, fn, "args= must be a dict of name -> kind, e.g. {'amount': AMOUNT}")
    if not isinstance(spec, ast.Dict):
        raise _Unknown
    if any(k is None for k in spec.keys):  # {**other}: the rest is not in the tree
        raise _Unknown
    for key, value in zip(spec.keys, spec.values):
        name = _const(key)
        if type(name) is not str or name == "_ns":
            return _misuse(kind, fn, "bad argument name %r (reserved or not a string)" % (name,))
        k = _kind(value, names)
        if type(k) is not str or k.lstrip("?") not in KINDS:
            return _misuse(kind, fn, "argument %r has unknown kind %r; use INT, STR, BOOL, "
                           "AMOUNT, ACCOUNT, LIST, DICT, ANY or optional(KIND)" % (name, k))
    return None


def _truth(node: ast.expr) -> bool:
    return bool(_const(node))


def _params(node) -> set[str] | None:
    """The parameter names ``inspect.signature`` reports for a def, or None when near_safe
    skips the check (a ``**kwargs`` parameter, or a class)."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise _Unknown
    a = node.args
    if a.kwarg is not None:
        return None
    names = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    if a.vararg is not None:
        names.add(a.vararg.arg)
    return names


def misuse_of(dec: ast.expr, kind: str, node, names: _Names, inner: str | None = None,
              direct: bool = True) -> str | None:
    """The MisuseError message near_safe raises when it applies ``dec`` (``@kind`` or
    ``@kind(...)``) to ``node`` (a def or class), or None when it is fine.  ``inner``: the
    near_safe decorator applied just before this one (the one written below it), if any;
    ``direct``: no other decorator was applied before this one.  Raises _Unknown where the
    tree cannot decide.  Same checks in the same order as near_safe ``_wrap``/``_setup``."""
    fn = node.name
    if isinstance(dec, ast.Call) and dec.args:
        return ("@" + kind + " takes options by keyword only: write @" + kind + " or @" + kind
                + "(payable=True)")
    if inner is not None:
        return ("@" + kind + " on " + fn + ": stacked on @" + inner + "; a method takes one "
                "near_safe decorator: keep @" + inner + "(...) or @" + kind + "(...)")
    opts = {}
    for kw in dec.keywords if isinstance(dec, ast.Call) else ():
        if kw.arg is None:  # **opts: the rest is not in the tree
            raise _Unknown
        opts[kw.arg] = kw.value
    if not opts:
        return None
    if not direct:
        raise _Unknown  # the function it wraps, and its name, come from another decorator
    allowed = ALLOWED[kind]
    for key in opts:
        if key not in allowed:
            return _misuse(kind, fn, "option '" + key + "' is not allowed: "
                           + HINT["callback" if kind == "multi_callback" else kind])
    args = opts.get("args")
    if args is not None and not (isinstance(args, ast.Constant) and args.value is None):
        found = _check_spec(kind, fn, args, names)
        if found:
            return found
        params = _params(node)
        if params is not None:
            for key in args.keys:  # a dict literal: _check_spec decided it
                name = _const(key)
                if name not in params:
                    return _misuse(kind, fn, "args= declares %r, which is not a parameter of "
                                   "%s: add the parameter or remove it from args=" % (name, fn))
    payable = "payable" in opts and _truth(opts["payable"])
    if payable and "one_yocto" in opts and _truth(opts["one_yocto"]):
        return _misuse(kind, fn, "payable and one_yocto exclude each other; keep one")
    if "max_result" in opts:
        limit = _const(opts["max_result"])
        if type(limit) is not int or limit < 0:
            return _misuse(kind, fn, "max_result must be a byte count (int >= 0)")
    if "result" in opts:
        rkind = _kind(opts["result"], names)
        if rkind is not None and (type(rkind) is not str or rkind.lstrip("?") not in KINDS):
            return _misuse(kind, fn, "argument %r has unknown kind %r; use INT, STR, BOOL, "
                           "AMOUNT, ACCOUNT, LIST, DICT, ANY or optional(KIND)" % ("result", rkind))
    return None


def _check_decorators(node, names: _Names, path: Path, undecided: list) -> None:
    """Apply the decorators bottom-up, as Python does."""
    inner = None  # the near_safe decorator applied just before, if the last one applied
    direct = True  # nothing but near_safe decorators applied so far
    for dec in reversed(node.decorator_list):
        target = dec.func if isinstance(dec, ast.Call) else dec
        kind = names.decorator_kind(target)
        if kind is None:  # another library's decorator: what it returns is not in the tree
            inner, direct = None, False
            continue
        try:
            if not direct and inner is None and any(
                    names.decorator_kind(d.func if isinstance(d, ast.Call) else d)
                    for d in node.decorator_list[node.decorator_list.index(dec) + 1:]):
                raise _Unknown  # a near_safe decorator below, behind another one
            found = misuse_of(dec, kind, node, names, inner, direct)
        except _Unknown:
            undecided.append(f"{path}:{dec.lineno}")
            return
        if found:
            raise BuildError(f"{path}:{dec.lineno}: {found}")
        inner = kind


def _check_defs(body: list, names: _Names, path: Path, undecided: list) -> None:
    """Walk one scope's statements in order, so a name means what it means at that point."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.bind_import(node)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _check_decorators(node, names, path, undecided)
            _check_defs(node.body, names.copy(), path, undecided)  # an inner scope
            names.forget(node.name)
            continue
        if isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            for item in ([node.target] if isinstance(node, (ast.For, ast.AsyncFor))
                         else [i.optional_vars for i in node.items if i.optional_vars]):
                names.rebind(item)
        if isinstance(node, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor,
                             ast.While)):
            inner = list(node.body) + list(getattr(node, "orelse", []))
            for h in getattr(node, "handlers", []):
                if h.name:
                    names.forget(h.name)
                inner += h.body
            inner += list(getattr(node, "finalbody", []))
            _check_defs(inner, names, path, undecided)
            continue
        names.rebind(node)
        if isinstance(node, ast.Assign):  # `c = call`, `K = INT`: an alias of near_safe's
            kind = names.decorator_kind(node.value)
            try:
                value = None if kind else _kind(node.value, names)
            except _Unknown:
                value = None
            for target in node.targets:
                if isinstance(target, ast.Name):
                    if kind:
                        names.decorators[target.id] = kind
                    elif type(value) is str:
                        names.kinds[target.id] = value


def check_tree(tree: ast.Module, path: Path) -> list[str]:
    """Raise BuildError ``file:line: @kind on name: ...`` for the first decorator misuse in
    ``tree``; return the ``file:line`` of decorators the tree cannot decide."""
    undecided: list[str] = []
    _check_defs(tree.body, _Names(), Path(path), undecided)
    return undecided


def check_decorator_misuse(contract: Path, source: str | None = None,
                           local_sources: dict | None = None) -> list[str]:
    """Raise BuildError for a near_safe decorator misuse in ``contract`` (and in the local
    modules given as ``{path: source}``), read from the syntax tree: nothing is imported or
    run.  Returns the places the tree could not decide (left to the in-Wasm check)."""
    contract = Path(contract)
    if source is None:
        source = contract.read_text(encoding="utf-8")
    undecided = check_tree(ast.parse(source, filename=str(contract)), contract)
    for path, text in (local_sources or {}).items():
        undecided += check_tree(ast.parse(text, filename=str(path)), Path(path))
    return undecided
