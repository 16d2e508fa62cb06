"""Name resolution: what a dotted expression in a contract refers to.

Contracts reach the same API in many spellings (``near.attached_deposit()``,
``Context.attached_deposit()``, ``sdk.Context.attached_deposit()``, ``self.attached_deposit``).
The checker maps each spelling to one canonical name, e.g. ``near_sdk_py.Context.attached_deposit``,
by following the module's imports and dropping the SDK's internal submodule names
(``near_sdk_py.promises.promise.Promise`` -> ``near_sdk_py.Promise``).
"""

from __future__ import annotations

import ast

from .._units import NEAR, TGAS

# Submodules of near_sdk_py and near_safe whose names are not part of the public name.
_SDK_SUBMODULES = {
    "promises", "promise", "contract", "decorators", "context", "storage", "collections",
    "batch", "constants", "input", "log", "value_return", "lookup_map", "unordered_map",
    "vector", "tree_map", "lookup_set", "unordered_set", "adapter", "base", "utils",
}
PACKAGES = ("near_sdk_py", "near_safe")


def canonical(dotted: str) -> str:
    """``near_sdk_py.promises.Promise.create_batch`` -> ``near_sdk_py.Promise.create_batch``."""
    parts = dotted.split(".")
    if parts[0] in PACKAGES:
        rest = parts[1:]
        while rest and (rest[0] in _SDK_SUBMODULES or rest[0].startswith("_")):
            rest = rest[1:]
        return ".".join([parts[0], *rest])
    return dotted


def walk(node):
    """Every node under ``node`` (itself included), like ast.walk but depth-first in source
    order and faster: the checker walks each module several times."""
    AST = ast.AST
    stack = [node]
    pop = stack.pop
    while stack:
        n = pop()
        yield n
        children = []
        for name in n._fields:
            v = getattr(n, name, None)
            if v.__class__ is list:
                children.extend(x for x in v if isinstance(x, AST))
            elif isinstance(v, AST):
                children.append(v)
        children.reverse()
        stack.extend(children)


class Imports:
    """Local name -> fully qualified name, from a module's import statements (any depth)."""

    def __init__(self, tree: ast.Module, nodes=None):
        self.names: dict[str, str] = {}
        self._cache: dict = {}
        found = [n for n in (nodes if nodes is not None else walk(tree))
                 if isinstance(n, (ast.Import, ast.ImportFrom))]
        # source order: a later import of a name wins, as when the module runs
        for node in sorted(found, key=lambda n: (n.lineno, n.col_offset)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.names[alias.asname] = alias.name
                    else:
                        root = alias.name.split(".")[0]
                        self.names[root] = root
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        self.uses_near_safe = any(v.split(".")[0] == "near_safe" and
                                  not v.startswith("near_safe.testing")
                                  for v in self.names.values())

    def qualify(self, node: ast.AST) -> str | None:
        """The canonical dotted name of a Name/Attribute chain, or None for other shapes.

        ``self.x`` stays ``self.x``; an unimported name stays as written.
        """
        key = id(node)
        if key in self._cache:
            return self._cache[key]
        result = self._qualify(node)
        self._cache[key] = result
        return result

    def _qualify(self, node):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = self.names.get(node.id, node.id)
        parts.append(root)
        return canonical(".".join(reversed(parts)))


def call_name(imports: Imports, call: ast.Call) -> str | None:
    return imports.qualify(call.func)


def const_str(node: ast.AST | None, constants: dict) -> str | None:
    """A string literal, a module constant holding one, or an f-string without fields."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and isinstance(constants.get(node.id), str):
        return constants[node.id]
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(v.value for v in node.values)
    return None


ONE_NEAR = NEAR
_KNOWN_INTS = {
    "near_sdk_py.ONE_TGAS": TGAS, "near_sdk_py.ONE_NEAR": ONE_NEAR,
    "near_sdk_py.MAX_GAS": 300 * TGAS,
}


def const_int(node: ast.AST | None, imports: Imports, constants: dict,
              extra: dict | None = None) -> int | None:
    """Evaluate an integer constant expression (literals, +-*//**, module constants, the SDK's
    ONE_TGAS/ONE_NEAR and near_safe's gas constants); None when it is not constant."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            return int(v)
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = const_int(node.operand, imports, constants, extra)
        return None if v is None else -v
    if isinstance(node, ast.BinOp):
        a = const_int(node.left, imports, constants, extra)
        b = const_int(node.right, imports, constants, extra)
        if a is None or b is None:
            return None
        try:
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if isinstance(node.op, (ast.FloorDiv, ast.Div)) and b:
                return a // b
            if isinstance(node.op, ast.Pow) and 0 <= b < 100:
                return a ** b
        except (OverflowError, ValueError):
            return None
        return None
    if isinstance(node, ast.Name) and isinstance(constants.get(node.id), int) \
            and not isinstance(constants.get(node.id), bool):
        return constants[node.id]
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
            and isinstance(node.func, ast.Name) and node.func.id == "int":
        return const_int(node.args[0], imports, constants, extra)
    q = imports.qualify(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
    if q is not None:
        if q in _KNOWN_INTS:
            return _KNOWN_INTS[q]
        if extra and q in extra:
            return extra[q]
    return None


def module_constants(tree: ast.Module, imports: Imports, extra: dict | None = None) -> dict:
    """Module-level ``NAME = <constant>`` assignments (ints and strings), in order."""
    consts: dict = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            target, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
                and stmt.value is not None:
            target, value = stmt.target.id, stmt.value
        else:
            continue
        s = const_str(value, consts)
        if s is not None:
            consts[target] = s
            continue
        i = const_int(value, imports, consts, extra)
        if i is not None:
            consts[target] = i
    return consts
