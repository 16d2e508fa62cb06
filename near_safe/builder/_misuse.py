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
from ._analyze import _root_getattr_branches

# The decorators' own tables (near_safe/_root.py; importing it under CPython runs no contract
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


def _check_decorators(node, names: _Names, path: Path, undecided: list,
                      walk: "_Walk | None" = None, in_class: bool = False) -> None:
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
            if walk is not None and walk.lenient:
                return  # staged_source: misuse is the misuse check's and the backstop's
            raise BuildError(f"{path}:{dec.lineno}: {found}")
        if walk is not None and walk.exports:
            _check_exported(dec, target, kind, node, path)
        inner = kind
    if walk is not None and inner is not None and isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        walk.method(node, names, path, in_class)


def _check_defs(body: list, names: _Names, path: Path, undecided: list,
                walk: "_Walk | None" = None, in_class: bool = False) -> None:
    """Walk one scope's statements in order, so a name means what it means at that point."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.bind_import(node)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _check_decorators(node, names, path, undecided, walk, in_class)
            _check_defs(node.body, names.copy(), path, undecided, walk,
                        isinstance(node, ast.ClassDef))  # an inner scope
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
            _check_defs(inner, names, path, undecided, walk, in_class)
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


def check_tree(tree: ast.Module, path: Path, exports: bool = False) -> list[str]:
    """Raise BuildError ``file:line: @kind on name: ...`` for the first decorator misuse in
    ``tree`` (with ``exports``, the contract file: also a near_safe decorator nearc would not
    export, and annotations with no kind or disagreeing with args=); return the
    ``file:line`` of decorators the tree cannot decide."""
    undecided: list[str] = []
    _check_defs(tree.body, _Names(), Path(path), undecided, _Walk(exports) if exports else None)
    return undecided


def check_decorator_misuse(contract: Path, source: str | None = None,
                           local_sources: dict | None = None) -> list[str]:
    """Raise BuildError for a near_safe decorator misuse in ``contract`` (and in the local
    modules given as ``{path: source}``), read from the syntax tree: nothing is imported or
    run.  Returns the places the tree could not decide (left to the in-Wasm check)."""
    contract = Path(contract)
    if source is None:
        source = contract.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(contract))
    undecided = check_tree(tree, contract, exports=True)
    check_flows(tree, contract)
    for path, text in (local_sources or {}).items():
        undecided += check_tree(ast.parse(text, filename=str(path)), Path(path))
    return undecided


# --- exported names (issue 14, item 5) -----------------------------------------------------------

from .._facts import NEARC_EXPORT_DECORATORS as _EXPORTED  # noqa: E402


def _check_exported(dec: ast.expr, target: ast.expr, kind: str, node, path: Path) -> None:
    """nearc exports a method only when a decorator's bare name is one of its names
    (platform.md): near_safe's decorator written through an alias or an attribute is applied
    under CPython but the method is silently missing from the Wasm.  A build error instead."""
    if isinstance(target, ast.Name) and target.id in _EXPORTED:
        return
    written = ast.unparse(target)
    raise BuildError(
        f"{path}:{dec.lineno}: @{written} on {node.name}: nearc exports a method only when its "
        f"decorator is written by one of its own names (@view, @call, @init, @callback, "
        f"@multi_callback), so {node.name} would be missing from the Wasm: write "
        f"`from near_safe import {kind}` and @{kind} (near_safe's decorators replace "
        f"near-sdk-py's; keep near-sdk-py's other names through `import near_sdk_py`)")


# --- argument kinds from annotations (issue 14, item 2) -----------------------------------------
# MicroPython keeps no annotations (it does not even evaluate them), so the kinds a method's
# annotations give are read here, from the syntax tree, and written into the staged source as
# the equivalent ``args={...}`` (staged_source): the contract side checks them like any args=,
# at no extra cost.  The same staged source runs in CPython mode, so both modes check the same
# kinds.  ``args=`` written by hand is an override; where it and an annotation disagree on a
# parameter's kind the build stops naming the method.

#: Annotation name (bare, or the last part of a dotted name) -> near_safe kind.  near-sdk-py
#: 1.0.0 spells an account ``AccountId`` (= str) and an amount ``Balance`` (= int); near_safe
#: takes amounts as U128 decimal strings, as NEAR's JSON standards do.
ANNOTATION_KINDS = {
    "str": "str", "int": "int", "bool": "bool", "list": "list", "List": "list",
    "Sequence": "list", "dict": "dict", "Dict": "dict", "Mapping": "dict",
    "AccountId": "account", "Balance": "amount", "Amount": "amount", "U128": "amount",
    "Gas": "int", "Any": "any", "object": "any",
}
_NONE_NAMES = ("None", "NoneType")


class _NoKind(Exception):
    """An annotation near_safe has no kind for (its text is the reason)."""


def annotation_kind(node: ast.expr) -> tuple[str, bool]:
    """``(kind, nullable)`` for an annotation: ``int`` -> ("int", False), ``str | None`` /
    ``Optional[str]`` -> ("str", True).  Raises _NoKind with the reason."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return annotation_kind(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            raise _NoKind(f"the string annotation {node.value!r} is not Python") from None
    if isinstance(node, ast.Subscript):
        base = _last_name(node.value)
        inner = node.slice
        if base == "Optional":
            return annotation_kind(inner)[0], True
        if base == "Union":
            parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return _union(parts, node)
        if base in ANNOTATION_KINDS and ANNOTATION_KINDS[base] in ("list", "dict"):
            return ANNOTATION_KINDS[base], False  # the items are not checked (as LIST/DICT)
        raise _NoKind(f"{ast.unparse(node)} is not a kind near_safe checks")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union(_flatten_or(node), node)
    name = _last_name(node)
    if name in ("bytes", "bytearray"):
        raise _NoKind("JSON has no bytes: take a str (hex or base64) and decode it in the body")
    if name == "float":
        raise _NoKind("near_safe has no float kind (JSON numbers with a fraction lose "
                      "precision between clients): take an int in smaller units or a str")
    if name in ANNOTATION_KINDS:
        return ANNOTATION_KINDS[name], False
    raise _NoKind(f"{ast.unparse(node)} is not a kind near_safe checks")


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return None


def _flatten_or(node: ast.expr) -> list:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flatten_or(node.left) + _flatten_or(node.right)
    return [node]


def _union(parts: list, node: ast.expr) -> tuple[str, bool]:
    rest = [p for p in parts if _last_name(p) not in _NONE_NAMES]
    if len(rest) != 1:
        raise _NoKind(f"{ast.unparse(node)} is a union of kinds, which near_safe does not "
                      "check")
    return annotation_kind(rest[0])[0], len(rest) < len(parts)


def _written_kind(kind: str) -> str:
    """How a kind is written in messages: AMOUNT, optional(ACCOUNT)."""
    return (f"optional({kind[1:].upper()})" if kind.startswith("?") else kind.upper())


class _Walk:
    """What one walk of a contract's tree collects beyond decorator misuse: the ``args=``
    each annotated near_safe method gets (``edits``), and whether nearc's export-name rule is
    checked (only the contract file's methods are exported)."""

    def __init__(self, exports: bool, lenient: bool = False):
        self.exports = exports
        self.lenient = lenient  # decorator misuse is not this walk's to refuse
        self.edits: list[tuple[int, int, str]] = []  # (line, byte column, text to insert)

    def method(self, node, names: _Names, path: Path, in_class: bool) -> None:
        decs = [(d, names.decorator_kind(d.func if isinstance(d, ast.Call) else d))
                for d in node.decorator_list]
        ours = [(d, k) for d, k in decs if k is not None]
        if len(ours) != 1 or ours[0][0] is not node.decorator_list[-1]:
            return  # none, stacked (a misuse), or applied to another decorator's result
        dec, kind = ours[0]
        keywords = dec.keywords if isinstance(dec, ast.Call) else []
        if any(kw.arg is None for kw in keywords):
            return  # **opts: args= may be in there
        spec = _annotated_spec(node, kind, in_class, {_last_name(d.func if isinstance(
            d, ast.Call) else d) for d in node.decorator_list})
        if not spec:
            return
        args = next((kw.value for kw in keywords if kw.arg == "args"), None)
        if args is not None:
            _compare(args, spec, names, kind, node, path)
            return
        unknown = [(p, why) for p, (k, why) in spec.items() if k is None]
        if unknown:
            p, why = unknown[0]
            raise BuildError(
                f"{path}:{_param(node, p).lineno}: @{kind} on {node.name}: argument {p!r}: {why}; change "
                f"the annotation, or declare the argument's kind in args= (for example "
                f"@{kind}(args={{{p!r}: ANY}}))")
        text = "args={" + ", ".join(f"{p!r}: {k!r}" for p, (k, _) in spec.items()) + "}"
        end_line, end_col = dec.end_lineno, dec.end_col_offset
        if isinstance(dec, ast.Call):  # before the closing parenthesis
            text = (", " if dec.args or dec.keywords else "") + text
            self.edits.append((end_line, end_col - 1, text))
        else:
            self.edits.append((end_line, end_col, "(" + text + ")"))


def _annotated_spec(node, kind: str, in_class: bool, decorators: set) -> dict:
    """Parameter -> (kind or None, why not) for the parameters a near_safe method takes from
    its JSON input: not ``self`` (a method of a class), not a callback's first (the result),
    not ``*args``/``**kwargs``.  An unannotated parameter is ANY; a default or an Optional
    annotation makes it optional (absent is fine; JSON null is refused, as for every kind).
    Empty when no parameter is annotated and none is left: nothing to add."""
    a = node.args
    positional = list(a.args)
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    pairs = list(zip(positional, defaults))
    if in_class and "staticmethod" not in decorators:
        pairs = pairs[1:]
    if kind in ("callback", "multi_callback"):
        pairs = pairs[1:]
    pairs += list(zip(a.kwonlyargs, a.kw_defaults))
    spec = {}
    for arg, default in pairs:
        if arg.annotation is None:
            k, nullable, why = "any", False, None
        else:
            try:
                (k, nullable), why = annotation_kind(arg.annotation), None
            except _NoKind as exc:
                k, nullable, why = None, False, str(exc)
        if k is not None and (default is not None or nullable):
            k = "?" + k
        spec[arg.arg] = (k, why)
    return spec


# args= kinds that hand the body what the annotation says: AMOUNT gives an int (near-sdk-py
# annotates amounts ``int``/``Balance = int``), ACCOUNT a str.  ANY on either side is an
# explicit loosening.
_COMPATIBLE = {("int", "amount"), ("str", "account")}


def _param(node, name: str) -> ast.arg:
    return next(p for p in node.args.args + node.args.kwonlyargs if p.arg == name)


def _compare(args: ast.expr, spec: dict, names: _Names, kind: str, node, path: Path) -> None:
    """``args=`` written by hand overrides the annotations; a parameter whose declared kind
    hands the body another type than its annotation says is a build error (``int`` with
    AMOUNT and ``str`` with ACCOUNT agree: the body gets an int / a str; optional or not is
    args='s to say)."""
    if not isinstance(args, ast.Dict) or any(k is None for k in args.keys):
        return  # built at run time: the tree cannot compare
    for key, value in zip(args.keys, args.values):
        try:
            name, declared = _const(key), _kind(value, names)
        except _Unknown:
            continue
        if name not in spec or type(declared) is not str:
            continue
        annotated, _ = spec[name]
        param = _param(node, name)
        if annotated is None or param.annotation is None:
            continue  # no kind from the annotation: args= says it
        a, d = annotated.lstrip("?"), declared.lstrip("?")
        if a != d and (a, d) not in _COMPATIBLE and "any" not in (a, d):
            raise BuildError(
                f"{path}:{param.lineno}: @{kind} on {node.name}: argument {name!r} is annotated "
                f"{ast.unparse(param.annotation)} (kind {_written_kind(annotated.lstrip('?'))}) "
                f"but args= declares {_written_kind(declared)}: make them agree, or drop one "
                f"(the annotation alone gives the kind)")


def _edit(source: str, edits: list[tuple[int, int, str, int, int]]) -> str:
    """Apply ``(line, byte col, text, end line, end byte col)`` replacements (1-based lines, as
    ast gives them; columns are UTF-8 byte offsets).  Replaced spans keep their newlines, so
    every line keeps its number."""
    lines = source.encode("utf-8").splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    data = b"".join(lines)
    for line, col, text, end_line, end_col in sorted(edits, reverse=True):
        a, b = starts[line - 1] + col, starts[end_line - 1] + end_col
        kept = b"\n" * data[a:b].count(b"\n")
        data = data[:a] + text.encode("utf-8") + kept + data[b:]
    return data.decode("utf-8")


def _annotation_spans(tree: ast.Module, source: str) -> list[tuple[int, int, str, int, int]]:
    """The annotations of every def (parameters and return) and of module- and class-level
    annotated assignments, as spans to blank.  MicroPython never evaluates annotations;
    CPython does, at def time (a NameError for ``AccountId`` the contract never imported): the
    staged source has none, so both modes run the same code."""
    lines = source.encode("utf-8").splitlines(keepends=True)
    spans = []

    def arg_span(arg: ast.arg):
        if arg.annotation is not None:
            spans.append((arg.lineno, arg.col_offset + len(arg.arg.encode("utf-8")), "",
                          arg.annotation.end_lineno, arg.annotation.end_col_offset))

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            for arg in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
                if arg is not None:
                    arg_span(arg)
            if node.returns is not None:
                # the "->" before the return annotation: search back from it
                line, col = node.returns.lineno, node.returns.col_offset
                while True:
                    text = lines[line - 1][:col]
                    at = text.rfind(b"->")
                    if at >= 0:
                        break
                    line, col = line - 1, len(lines[line - 2])
                spans.append((line, at, "", node.returns.end_lineno,
                              node.returns.end_col_offset))
    for scope in [tree] + [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        for node in scope.body:
            if isinstance(node, ast.AnnAssign):
                if node.value is not None:
                    spans.append((node.target.end_lineno, node.target.end_col_offset, " = ",
                                  node.value.lineno, node.value.col_offset))
                else:
                    spans.append((node.lineno, node.col_offset, "pass", node.end_lineno,
                                  node.end_col_offset))
    return spans


def lazy_root_names() -> frozenset[str]:
    """The names the contract-side root serves from its ``__getattr__`` (``Contract``,
    ``CrossContract``, ...: loaded on demand), read from its source."""
    return frozenset().union(*(names for names, _ in _root_getattr_branches()))


def _star_import_edits(tree: ast.Module) -> list[tuple[int, int, str, int, int]]:
    """``from near_safe import *`` binds no name the root loads on demand in the Wasm
    (MicroPython's star import copies the module's dict; CPython's follows ``__all__``): after
    each such import, on its own line, import by name those of them the module uses."""
    stars = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "near_safe"
             and not n.level and n.names[0].name == "*"]
    if not stars:
        return []
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & lazy_root_names()
    if not used:
        return []
    text = "; from near_safe import " + ", ".join(sorted(used))
    return [(n.end_lineno, n.end_col_offset, text, n.end_lineno, n.end_col_offset) for n in stars]


def staged_source(source: str, path, blank_annotations: bool = False) -> str:
    """The contract source the Wasm is built from and CPython mode runs: every annotated
    near_safe method without ``args=`` gets the ``args=`` its annotations give, and a
    ``from near_safe import *`` the on-demand names the module uses (_star_import_edits).  With
    ``blank_annotations`` (CPython mode) the annotations themselves are blanked: MicroPython
    never evaluates them, CPython would (at def time).  The Wasm build keeps them, for
    nearc's ABI, which reads them.  Line numbers are kept.  Raises BuildError for an annotation near_safe has no kind for, or
    one that disagrees with an ``args=`` written by hand.  Only near_safe's decorators are
    touched (another library's keep their own argument handling)."""
    path = Path(path)
    tree = ast.parse(source, filename=str(path))
    walk = _Walk(exports=False, lenient=True)
    _check_defs(tree.body, _Names(), path, [], walk)
    edits = [(line, col, text, line, col) for line, col, text in walk.edits]
    edits += _star_import_edits(tree)
    if blank_annotations:
        edits += _annotation_spans(tree, source)
    staged = _edit(source, edits) if edits else source
    if claim_export_needed(tree) and _defines(tree, CLAIM_EXPORT) is None:
        staged += CLAIM_SOURCE
    return staged


# --- what would fail at call time, refused at build time (issue 14, item 5) ---------------------

CLAIM_EXPORT = "claim_refund"
# Appended to the staged source when the contract can make a claimable refund and exports no
# method calling claim() (claim_export_needed): without it such a refund could never be
# claimed.  After the last line, so every line keeps its number; a plain def wrapped by name
# (the contract's own ``call`` may be near-sdk-py's), exported because find_exports lists it.
CLAIM_SOURCE = (
    "\n\n# near_safe: refunds of this contract can become claimable (docs/safety.md); their\n"
    "# owners claim them here (added by the builder: the contract exports no claim of its own)\n"
    f"def {CLAIM_EXPORT}():\n"
    "    from near_safe import claim as _ns_claim\n\n"
    "    return _ns_claim()\n\n\n"
    "import near_safe as _ns_module  # noqa: E402\n\n"
    f"{CLAIM_EXPORT} = _ns_module.call({CLAIM_EXPORT})\n"
)


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _kw(node: ast.Call, name: str):
    return next((k.value for k in node.keywords if k.arg == name), None)


def _zero(node) -> bool:
    return node is None or (isinstance(node, ast.Constant) and not node.value)


def _imports_from_near_safe(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "near_safe" and not node.level:
            names |= {a.asname or a.name for a in node.names}
    return names


def _refund_sites(tree: ast.Module) -> list[ast.Call]:
    """Calls that can leave a claimable refund: safe_call with refund= above its deposit (a
    refund equal to the deposit goes back through the protocol's refund_to, never claimable)
    or claimable=True, a builder's .settle(refund=...), near_safe's refund(...)."""
    ours = _imports_from_near_safe(tree)
    sites = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name == "safe_call":
            refund, deposit = _kw(node, "refund"), _kw(node, "deposit")
            if not _zero(_kw(node, "claimable")) or (not _zero(refund) and (
                    deposit is None or ast.dump(refund) != ast.dump(deposit))):
                sites.append(node)
        elif name == "settle" and isinstance(node.func, ast.Attribute) and ours & {
                "Promise", "CrossContract", "PromiseBatch"}:
            if not _zero(_kw(node, "refund")) or not _zero(_kw(node, "claimable")):
                sites.append(node)
        elif name == "refund" and (("refund" in ours and isinstance(node.func, ast.Name))
                                   or isinstance(node.func, ast.Attribute)):
            sites.append(node)
    return sites


def _claims(tree: ast.Module) -> bool:
    """An exported method (nearc's rule) calls claim()."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                _decorator_export_name(d) for d in node.decorator_list):
            if any(isinstance(c, ast.Call) and _call_name(c) == "claim" for c in ast.walk(node)):
                return True
    return False


def _decorator_export_name(dec: ast.expr) -> bool:
    target = dec.func if isinstance(dec, ast.Call) else dec
    if isinstance(target, ast.Name):
        return target.id in _EXPORTED
    return (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
            and target.value.id == "near" and target.attr == "export")


def _defines(tree: ast.Module, name: str):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                node.name == name:
            return node
        if isinstance(node, (ast.Name, ast.alias)) and isinstance(
                getattr(node, "ctx", ast.Store()), ast.Store) and (
                getattr(node, "id", None) or getattr(node, "asname", None)
                or getattr(node, "name", None)) == name:
            return node
    return None


def claim_export_needed(tree: ast.Module) -> bool:
    """The contract can make a claimable refund and exports no method calling claim(): the
    builder exports ``claim_refund`` for it (CLAIM_SOURCE)."""
    return bool(_refund_sites(tree)) and not _claims(tree)


def check_flows(tree: ast.Module, path: Path) -> None:
    """Cross-contract flows that would fail when called, refused with file:line and the fix:
    a ``then=`` (safe_call, ``.then(...)``, ``.join(...)``) that is not a near_safe callback
    of this contract, arguments its callback cannot take, and a claim_refund the builder
    cannot add because the name is taken."""
    ours = _imports_from_near_safe(tree)
    callbacks, sdk_callbacks, methods = {}, set(), {}
    names = _Names()
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.bind_import(stmt)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for dec in node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            kind = names.decorator_kind(target)
            if kind in ("callback", "multi_callback"):
                callbacks[node.name] = (kind, node, dec)
            elif kind is not None:
                methods[node.name] = kind
            elif isinstance(target, ast.Name) and target.id in ("callback", "multi_callback"):
                sdk_callbacks.add(node.name)
    builders = bool(ours & {"Promise", "CrossContract", "PromiseBatch"})
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name == "safe_call":
            target = _kw(node, "then")
            extra = _kw(node, "then_args")
            if extra is not None and not isinstance(extra, ast.Dict):
                extra = False  # built at run time
            elif extra is not None:
                extra = list(zip(extra.keys, extra.values))
            else:
                extra = []
            _check_target(target, extra, "then=", callbacks, sdk_callbacks, methods, path,
                          names)
        elif builders and name in ("then", "join") and isinstance(node.func, ast.Attribute):
            pos = 0 if name == "then" else 1
            target = node.args[pos] if len(node.args) > pos else _kw(node, "callback" if
                                                                     name == "join" else "method")
            if target is None or not isinstance(target, ast.Constant) or not isinstance(
                    target.value, str) or target.value == "":
                continue
            extra = [(ast.Constant(k.arg), k.value) for k in node.keywords
                     if k.arg not in ("callback", "method")]
            if any(k.arg is None for k in node.keywords):
                extra = False
            _check_target(target, extra, f".{name}(...)", callbacks, sdk_callbacks, methods,
                          path, names)
    if claim_export_needed(tree):
        taken = _defines(tree, CLAIM_EXPORT)
        if taken is not None:
            site = _refund_sites(tree)[0]
            raise BuildError(
                f"{path}:{site.lineno}: this refund can become claimable (when it cannot be "
                f"sent safely) but no exported method calls claim(), and the builder cannot add "
                f"{CLAIM_EXPORT} for it: the name is taken (line {taken.lineno}): add "
                f"`@call def claim_my_refund(): return claim()` (from near_safe import claim)")


def _check_target(target, extra, where, callbacks, sdk_callbacks, methods, path, names):
    import difflib

    if target is None or not isinstance(target, ast.Constant) or type(target.value) is not str:
        return  # none (a misuse near_safe refuses itself) or built at run time
    name = target.value
    at = f"{path}:{target.lineno}: {where} {name!r}"
    if name in sdk_callbacks and name not in callbacks:
        raise BuildError(f"{at} is near-sdk-py's @callback, which settles nothing (no refund, "
                         f"no rollback, and an exception escapes): decorate {name} with "
                         f"near_safe's (from near_safe import callback) and write @callback")
    if name not in callbacks:
        if name in methods:
            raise BuildError(f"{at} is a @{methods[name]} of this contract, not a callback: "
                             f"decorate it with @callback (or @multi_callback for a join)")
        near = difflib.get_close_matches(name, list(callbacks), n=1)
        hint = (f"did you mean {near[0]!r}?" if near else
                "this contract has no near_safe @callback" if not callbacks else
                "its callbacks are " + ", ".join(sorted(callbacks)))
        raise BuildError(f"{at} is not a near_safe @callback of this contract ({hint}): name "
                         f"one, or add it (from near_safe import callback; @callback def "
                         f"{name}(result, ...))")
    if extra is False:
        return
    kind, node, dec = callbacks[name]
    spec = _callback_spec(node, dec, kind, names)
    if spec is None:
        return
    given = {}
    for key, value in extra:
        try:
            given[_const(key)] = value
        except _Unknown:
            return
    for arg in given:
        if arg not in spec:
            raise BuildError(f"{at}: callback {name} takes no argument {arg!r} (it takes "
                             f"{', '.join(sorted(spec)) or 'none'}): remove it or add the "
                             f"parameter to {name} (line {node.lineno})")
    for arg, k in spec.items():
        if arg not in given:
            if not k.startswith("?"):
                raise BuildError(f"{at}: callback {name} needs argument {arg!r}: pass it "
                                 f"({arg}=...) or give the parameter a default "
                                 f"(line {node.lineno})")
            continue
        try:
            value = _const(given[arg])
        except _Unknown:
            continue
        if not _contract_side.convert(k.lstrip("?"), value)[0]:
            raise BuildError(f"{at}: argument {arg!r} = {value!r} cannot be of kind "
                             f"{_written_kind(k.lstrip('?'))}, which callback {name} declares "
                             f"(line {node.lineno}): pass a value of that kind")


def _callback_spec(node, dec, kind, names: _Names) -> dict | None:
    """The kinds a callback checks: its args= (a literal), else its annotations (as
    staged_source gives them); None when the tree cannot say."""
    args = _kw(dec, "args") if isinstance(dec, ast.Call) else None
    if args is not None:
        if not isinstance(args, ast.Dict):
            return None
        spec = {}
        for key, value in zip(args.keys, args.values):
            try:
                spec[_const(key)] = _kind(value, names)
            except (_Unknown, TypeError):
                return None
        return spec
    a = node.args
    if a.kwarg is not None:
        return None
    in_class = bool(a.args) and a.args[0].arg == "self"
    spec = _annotated_spec(node, kind, in_class, set())
    return {p: k for p, (k, _) in spec.items() if k is not None}


# --- reserved callback gas against what the callback measurably burns (issue 14, item 5) --------

_GAS_NAMES = {"TGAS": 10 ** 12, "ONE_TGAS": 10 ** 12}


def _gas_value(node, names: dict):
    """A gas expression folded: int constants, TGAS/ONE_TGAS, CALLBACK_GAS, * + -; else None."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        return names.get(node.attr)
    if isinstance(node, ast.BinOp):
        a, b = _gas_value(node.left, names), _gas_value(node.right, names)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        return None
    try:
        v = _const(node)
    except _Unknown:
        return None
    return v if type(v) is int else None


def callback_gas_sites(tree: ast.Module, default: int | None = None) -> list[tuple[int, str, int]]:
    """``(line, callback, reserved gas)`` of each call that chains a callback of this contract
    with gas the tree can fold: safe_call's ``callback_gas=`` (default CALLBACK_GAS), a
    builder's ``.gas(g)`` right before ``.then`` / ``.join`` (default CALLBACK_GAS).
    ``default``: CALLBACK_GAS's value in the backend built for (MicroPython's when None)."""
    default = _contract_side.CALLBACK_GAS if default is None else default
    names = dict(_GAS_NAMES, CALLBACK_GAS=default)
    for node in tree.body:  # module-level NAME = <gas expression>
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            v = _gas_value(node.value, names)
            if v is not None:
                names[node.targets[0].id] = v
    builders = bool(_imports_from_near_safe(tree) & {"Promise", "CrossContract",
                                                      "PromiseBatch"})
    sites = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        target = gas = None
        if name == "safe_call":
            target = _kw(node, "then")
            given = _kw(node, "callback_gas")
            gas = default if given is None else _gas_value(given, names)
        elif builders and name in ("then", "join") and isinstance(node.func, ast.Attribute):
            pos = 0 if name == "then" else 1
            target = node.args[pos] if len(node.args) > pos else None
            inner = node.func.value
            gas = default
            if isinstance(inner, ast.Call) and _call_name(inner) == "gas" and inner.args:
                gas = _gas_value(inner.args[0], names)
        if (isinstance(target, ast.Constant) and isinstance(target.value, str)
                and gas is not None):
            sites.append((node.lineno, target.value, gas))
    return sites


def callback_floors(wasm: bytes, callbacks) -> dict:
    """What each callback burns before its body runs, measured on the embedded runtime (Wasm
    mode): the contract calls the callback itself with no promise result, so near_safe's
    wrapper stops at "can only be called as a callback" - after MicroPython's start-up, the
    contract's imports and its decorators, which every real call of the callback pays too.
    A callback that does not stop there (not near_safe's) is left out."""
    import tempfile

    from ..testing import NEAR, TGAS, Runtime

    floors = {}
    with tempfile.TemporaryDirectory(prefix="near_safe_probe_") as tmp:
        path = Path(tmp) / "probe.wasm"
        path.write_bytes(wasm)
        rt = Runtime(mode="wasm")
        c = rt.deploy("probe.near", path, balance=100 * NEAR)
        for name in sorted(set(callbacks)):
            out = c.call(c, name, {}, gas=300 * TGAS)
            receipt = next((r for r in out.receipts if r.method == name), None)
            if receipt is not None and out.error and "can only be called as a callback" in \
                    out.error:
                floors[name] = receipt.vm_gas_burnt
    return floors


def check_callback_gas(source: str, path, wasm: bytes, memo: Path | None = None,
                       default: int | None = None, start_up: str = "MicroPython start-up") -> None:
    """Refuse a reserved callback gas below what that callback burns before its body, plus
    REFUND_GAS for the settlement's refund transfer (measured with the contract's own imports:
    near_sdk_py's import alone is about 3 Tgas).  ``memo`` keeps the measurement next to the
    cached Wasm, so a cache hit measures nothing.  ``default`` and ``start_up``: the backend's
    CALLBACK_GAS and the name of its interpreter (nearc 0.10's CPython backend)."""
    import json

    tree = ast.parse(source, filename=str(path))
    sites = callback_gas_sites(tree, default)
    if not sites:
        return
    floors = None
    if memo is not None and memo.is_file():
        try:
            floors = json.loads(memo.read_text())
        except ValueError:
            floors = None
    if floors is None:
        floors = callback_floors(wasm, [cb for _, cb, _ in sites])
        if memo is not None:
            memo.write_text(json.dumps(floors))
    tgas = 10 ** 12
    hops = hop_callbacks(tree)
    ns = _contract_side
    for line, cb, gas in sites:
        floor = floors.get(cb)
        if floor is None:
            continue
        if cb in hops:  # its body sends a call: safe_call's own gas check inside the callback
            more = ns.OWN_GAS + ns.EXTERNAL_GAS + (ns.CALLBACK_GAS if default is None else default)
            what = (f"its body sends a call (line {hops[cb]}), whose gas check asks "
                    f"{more / tgas:g} Tgas more (OWN_GAS + EXTERNAL_GAS + CALLBACK_GAS)")
        else:
            more = ns.REFUND_GAS
            what = f"its settlement needs {more / tgas:g} Tgas more for a refund"
        need = floor + more
        if gas < need:
            raise BuildError(
                f"{path}:{line}: callback {cb} gets {gas / tgas:g} Tgas, but it burns "
                f"{floor / tgas:.1f} Tgas before its body runs ({start_up} and this "
                f"contract's imports, measured) and {what}: reserve at least "
                f"{-(-need // tgas)} Tgas plus what the body does (callback_gas=, or "
                f".gas(...) before .then), or import less (each module is imported on every "
                f"call)")


def hop_callbacks(tree: ast.Module) -> dict:
    """Callbacks whose body sends a call (a second hop): name -> line of that call."""
    out = {}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not any(_last_name(d.func if isinstance(d, ast.Call) else d) in (
                "callback", "multi_callback") for d in node.decorator_list):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and (_call_name(sub) == "safe_call" or (
                    isinstance(sub.func, ast.Attribute) and sub.func.attr in ("then", "join")
                    and sub.args and isinstance(sub.args[0], ast.Constant))):
                out[node.name] = sub.lineno
                break
    return out
