"""MicroPython's object semantics for contract code in CPython mode: dict order, failing
subscripts, division and number-conversion texts, undefined names - through an AST rewrite of
the contract's code and the builtins it sees.  CPython only.
"""

from __future__ import annotations

import ast
import builtins
import operator

from ._mainc import _mp_print
from ._modnear import _trap


class _Subscripts(ast.NodeTransformer):
    """Contract code rewritten for MicroPython semantics, lines kept:

    * ``obj[key]`` (a load) becomes ``__mp_subscr__(obj, key)`` (:func:`_mp_subscr`); slices and
      augmented assignments (``d[k] += 1``) are left as CPython does them;
    * ``a / b``, ``a // b`` and ``a % b`` go through :func:`_mp_divide` (error text);
    * ``{k: v, ...}`` becomes ``__mp_dict__(n, k, v, ...)``, ``{k: v for ...}``
      ``__mp_dict_pairs__(((k, v) for ...))``: dicts that iterate in MicroPython's order
      (:class:`MPDict`);
    * ``dict(...)``, ``int(...)`` and ``float(...)`` become ``__mp_call__(dict, ...)`` ...
      (:func:`_mp_call`)."""

    def visit_Dict(self, node):
        self.generic_visit(node)
        if any(k is None for k in node.keys):  # {**other, ...}: left to CPython
            return node
        args = [ast.Constant(len(node.keys))]
        for k, v in zip(node.keys, node.values):
            args += [k, v]
        call = ast.Call(func=ast.Name("__mp_dict__", ast.Load()), args=args, keywords=[])
        return ast.copy_location(call, node)

    def visit_DictComp(self, node):
        self.generic_visit(node)
        pairs = ast.GeneratorExp(elt=ast.Tuple([node.key, node.value], ast.Load()),
                                 generators=node.generators)
        call = ast.Call(func=ast.Name("__mp_dict_pairs__", ast.Load()),
                        args=[ast.copy_location(pairs, node)], keywords=[])
        return ast.copy_location(call, node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in ("dict", "int", "float"):
            call = ast.Call(func=ast.Name("__mp_call__", ast.Load()),
                            args=[node.func, *node.args], keywords=node.keywords)
            return ast.copy_location(call, node)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        op = _DIVISIONS.get(type(node.op))
        if op is None:
            return node
        call = ast.Call(func=ast.Name("__mp_divide__", ast.Load()),
                        args=[node.left, node.right, ast.Constant(op)], keywords=[])
        return ast.copy_location(call, node)

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load) or _has_slice(node.slice):
            return node
        call = ast.Call(func=ast.Name("__mp_subscr__", ast.Load()),
                        args=[node.value, node.slice], keywords=[])
        return ast.copy_location(call, node)


# -------------------------------------------------------------- MicroPython's dict order
#
# MicroPython's dict is an open-addressing hash table (py/map.c): a key goes to slot
# ``hash % alloc`` or the next free one, the table grows to the next size of
# ``hash_allocation_sizes`` only when full, and iteration walks the slots.  So the order of a
# dict's keys - in ``for k in d``, ``repr`` and ``json.dumps`` - follows the keys' hashes and
# the dict's history, not insertion.  MPDict keeps a shadow of that table next to CPython's
# storage; contract code's dict displays, comprehensions and ``dict()`` calls make MPDicts,
# and so does json.loads.  Checked against Wasm mode on literal, incremental and parsed dicts.

_MP_HASH_SIZES = (0, 2, 4, 6, 8, 10, 12, 17, 23, 29, 37, 47, 59, 73, 97, 127, 167, 223, 293,
                  389, 521, 691, 919, 1223, 1627, 2161, 3229, 4831, 7243, 10861, 16273, 24407,
                  36607, 54907)
_SLOT_FREE, _SLOT_DELETED = object(), object()  # MP_OBJ_NULL, MP_OBJ_SENTINEL


def _mp_alloc_at_least(n: int) -> int:
    for size in _MP_HASH_SIZES:
        if size >= n:
            return size
    return (n + n // 2) | 1


_STR_HASHES: dict = {}  # str/bytes key -> its MicroPython hash (keys repeat from call to call)


def _mp_hash(key) -> int:
    """MicroPython's hash of a key, as the map uses it (mp_uint_t, 32-bit): str and bytes hash
    with qstr_compute_hash (djb2, 16 bits as MICROPY_QSTR_BYTES_IN_HASH = 2, never 0), ints and
    bools are their value.  Other keys (None, floats, tuples: rare in contracts) get 0, an
    approximation: MicroPython hashes them by address or by type-specific rules."""
    t = type(key)
    if t is str or t is bytes:
        h = _STR_HASHES.get(key)
        if h is None:
            h = 5381
            for b in key.encode("utf-8", "surrogatepass") if t is str else key:
                h = ((h << 5) + h) ^ b
            h = (h & 0xFFFF) or 1
            if len(_STR_HASHES) < 100_000:
                _STR_HASHES[key] = h
        return h
    if t is int or t is bool:
        return int(key) & 0xFFFFFFFF
    return 0


class _MPTable:
    """The slot table of one MicroPython map (keys only; the values live in the dict)."""

    __slots__ = ("slots",)

    def __init__(self, alloc: int = 0):
        self.slots = [_SLOT_FREE] * alloc

    def copy(self):
        table = _MPTable()
        table.slots = list(self.slots)
        return table

    def _rehash(self):
        old = self.slots
        self.slots = [_SLOT_FREE] * _mp_alloc_at_least(len(old) + 1)
        for key in old:
            if key is not _SLOT_FREE and key is not _SLOT_DELETED:
                self.add(key)

    def add(self, key) -> None:
        """``mp_map_lookup(..., MP_MAP_LOOKUP_ADD_IF_NOT_FOUND)`` for a key not in the map."""
        if not self.slots:
            self._rehash()
        h = _mp_hash(key)
        slots = self.slots
        pos = start = h % len(slots)
        avail = None
        while True:
            slot = slots[pos]
            if slot is _SLOT_FREE:
                slots[pos if avail is None else avail] = key
                return
            if slot is _SLOT_DELETED and avail is None:
                avail = pos
            pos = (pos + 1) % len(slots)
            if pos == start:
                if avail is not None:
                    slots[avail] = key
                    return
                self._rehash()
                slots = self.slots
                pos = start = h % len(slots)

    def remove(self, key) -> None:
        """``MP_MAP_LOOKUP_REMOVE_IF_FOUND``: the slot becomes free if the next one is, else
        deleted (a tombstone later insertions may reuse)."""
        slots = self.slots
        pos = slots.index(key) if key in slots else None
        if pos is None:
            return
        nxt = slots[(pos + 1) % len(slots)]
        slots[pos] = _SLOT_FREE if nxt is _SLOT_FREE else _SLOT_DELETED

    def ordered(self) -> list:
        """The keys in slot order: MicroPython's iteration order."""
        return [k for k in self.slots if k is not _SLOT_FREE and k is not _SLOT_DELETED]


class _MPKeyError(KeyError):
    """KeyError as MicroPython prints it: ``str(KeyError("k"))`` is ``k`` there (one argument:
    its str), ``'k'`` in CPython.  Named KeyError, so ``type(e).__name__`` reads the same."""

    def __str__(self):
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


_MPKeyError.__name__ = _MPKeyError.__qualname__ = "KeyError"


class MPDict(dict):
    """A dict that iterates, prints and pops items in MicroPython's order (section comment).
    Lookups, equality and everything else are CPython's dict."""

    __slots__ = ("_mp",)

    def __init__(self, *args, **kwargs):
        dict.__init__(self)
        self._mp = _MPTable()
        if args or kwargs:
            self.update(*args, **kwargs)

    @classmethod
    def with_alloc(cls, alloc: int):
        d = cls()
        d._mp = _MPTable(alloc)
        return d

    def __setitem__(self, key, value):
        if key not in self:
            self._mp.add(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        if key not in self:
            raise _MPKeyError(key)
        dict.__delitem__(self, key)
        self._mp.remove(key)

    def __iter__(self):
        return iter(self._mp.ordered())

    def __reversed__(self):
        return reversed(self._mp.ordered())

    def keys(self):
        return self._mp.ordered()

    def values(self):
        return [dict.__getitem__(self, k) for k in self._mp.ordered()]

    def items(self):
        return [(k, dict.__getitem__(self, k)) for k in self._mp.ordered()]

    def __repr__(self):
        return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in self.items()) + "}"

    __str__ = __repr__

    def update(self, *args, **kwargs):
        if args:
            other = args[0]
            if isinstance(other, dict):  # dict_update walks the other map's slots
                pairs = [(k, dict.__getitem__(other, k)) for k in _mp_order(other)]
            elif hasattr(other, "keys"):
                pairs = [(k, other[k]) for k in other.keys()]  # noqa: SIM118  a mapping
            else:
                pairs = other
            for k, v in pairs:
                self[k] = v
        for k, v in kwargs.items():
            self[k] = v

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def pop(self, key, *default):
        if key in self:
            value = dict.pop(self, key)
            self._mp.remove(key)
            return value
        if default:
            return default[0]
        raise _MPKeyError(key)

    def popitem(self):
        """``dict_popitem``: the FIRST slot's item; its slot is always marked deleted."""
        keys = self._mp.ordered()
        if not keys:
            raise _MPKeyError("popitem(): dictionary is empty")
        key = keys[0]
        value = dict.pop(self, key)
        self._mp.slots[self._mp.slots.index(key)] = _SLOT_DELETED
        return (key, value)

    def clear(self):
        dict.clear(self)
        self._mp = _MPTable()  # mp_map_clear: alloc back to 0

    def copy(self):
        d = MPDict()
        dict.update(d, self)
        d._mp = self._mp.copy()
        return d

    @classmethod
    def fromkeys(cls, iterable, value=None):
        d = cls.with_alloc(len(iterable) if hasattr(iterable, "__len__") else 0)
        for key in iterable:
            d[key] = value
        return d

    def __or__(self, other):
        d = self.copy()
        d.update(other)
        return d

    def __ior__(self, other):
        self.update(other)
        return self

    def __reduce__(self):
        return (MPDict, (list(self.items()),))


def _mp_dict(n, *kv):
    """A dict display ``{k: v, ...}``: BUILD_MAP n (``mp_obj_new_dict(n)``: alloc n), then
    each entry stored in order."""
    d = MPDict.with_alloc(n)
    for i in range(0, len(kv), 2):
        d[kv[i]] = kv[i + 1]
    return d


def _mp_dict_pairs(pairs):
    """A dict comprehension: an empty dict (alloc 0) filled in order."""
    d = MPDict()
    for k, v in pairs:
        d[k] = v
    return d


def _mp_call(fn, *args, **kwargs):
    """A call of the name ``dict``, ``int`` or ``float``: when it is the builtin, as
    MicroPython does it - ``dict(...)`` starts from alloc 0 (an MPDict), ``int``/``float`` fail
    with MicroPython's texts ("invalid syntax for integer with base 10", "can't convert
    NoneType to int"; measured in Wasm mode)."""
    if fn is dict:
        return MPDict(*args, **kwargs)
    if fn is int or fn is float:
        try:
            return fn(*args, **kwargs)
        except ValueError:
            if fn is float:
                raise ValueError("invalid syntax for number") from None
            base = args[1] if len(args) > 1 else kwargs.get("base", 10)
            raise ValueError(f"invalid syntax for integer with base {base}") from None
        except TypeError:
            if len(args) == 1 and not kwargs:
                raise TypeError(f"can't convert {type(args[0]).__name__} to "
                                f"{fn.__name__}") from None
            raise
    return fn(*args, **kwargs)


def _mp_order(d) -> list:
    """The keys of ``d`` in MicroPython's order: an MPDict knows its table; a plain dict (made
    outside contract code: near_sdk_py, near_safe, **kwargs) is taken as a display of
    ``len(d)`` entries inserted in order, the common case (an approximation)."""
    if type(d) is MPDict:
        return d._mp.ordered()
    table = _MPTable(len(d))
    for key in d:
        table.add(key)
    return table.ordered()


_DIVISIONS = {ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
_DIVIDE = {"/": operator.truediv, "//": operator.floordiv, "%": operator.mod}


def _mp_divide(a, b, op):
    """``a / b``, ``a // b``, ``a % b`` with MicroPython's one message for a zero divisor,
    ``ZeroDivisionError: divide by zero`` (CPython has three)."""
    try:
        return _DIVIDE[op](a, b)
    except ZeroDivisionError:
        raise ZeroDivisionError("divide by zero") from None


def _has_slice(node) -> bool:
    return isinstance(node, ast.Slice) or (
        isinstance(node, ast.Tuple) and any(isinstance(e, ast.Slice) for e in node.elts))


def compile_contract_code(source: str, path: str):
    """Compile contract code (the contract, its local modules) for CPython mode: the real file
    name and lines, with dict and list subscripts failing as in nearc's MicroPython."""
    tree = _Subscripts().visit(ast.parse(source, path))
    ast.fix_missing_locations(tree)
    return compile(tree, path, "exec", dont_inherit=True)


def _mp_subscr(obj, key):
    """``obj[key]`` as nearc's MicroPython does it under NLR_WASM (measured in Wasm mode).

    A missing dict key leaves its KeyError pending, ``dict_subscr`` returns NULL and
    ``mp_obj_subscr`` raises ``TypeError: 'dict' object isn't subscriptable`` over it.  A list
    index out of range leaves IndexError pending and then reads ``items[index]`` anyway: a
    zeroed slot of the list's allocation (NULL) gives the same TypeError, memory past the
    allocation gives garbage and the IndexError surfaces.  That part is undefined behaviour; we
    take the allocation as MicroPython's minimum of 4 or the length.  str, bytes and tuple
    indexes raise IndexError as usual."""
    try:
        return obj[key]
    except KeyError:
        if type(obj) is dict or type(obj) is MPDict:
            raise TypeError("'dict' object isn't subscriptable") from None
        raise
    except IndexError:
        if type(obj) is list and type(key) is int:
            index = key + len(obj) if key < 0 else key
            if 0 <= index < max(4, len(obj)):
                raise TypeError("'list' object isn't subscriptable") from None
        raise


# ------------------------------------------------------------------ the builtins contract code sees

class _FrozenBuiltins(dict):
    """The builtins contract code (the contract module, its local modules) sees: CPython's,
    with MicroPython's ``print``, and a name found nowhere traps at once, as in the Wasm
    (``unreachable``, even inside ``try``) - CPython looks builtins up through ``__missing__``
    when they are not an exact dict."""

    def __missing__(self, name):
        host = _running[0]
        if host is None:
            raise NameError(f"name '{name}' is not defined", name=name)
        raise _trap(host, "Unreachable")


_running = [None]  # the NearHost of the call in progress
_FROZEN_BUILTINS = _FrozenBuiltins(vars(builtins), print=_mp_print, __mp_subscr__=_mp_subscr,
                                   __mp_dict__=_mp_dict, __mp_dict_pairs__=_mp_dict_pairs,
                                   __mp_call__=_mp_call, __mp_divide__=_mp_divide)


def _wasm_trap_for(exc: BaseException):
    """The trap the Wasm hits where CPython raises ``exc`` (measured in Wasm mode), or None:
    an undefined name (``unreachable``: nearc's NLR_WASM leaves a NULL object on the stack;
    normally caught earlier by :class:`_FrozenBuiltins`) and too deep a recursion (the Wasm
    stack overflows; MicroPython's limit is lower than CPython's 1000 frames).  Both trap even
    inside ``try`` in the Wasm; CPython mode sees a recursion only when it escapes."""
    if _is_lookup_name_error(exc):
        return "Unreachable"
    if isinstance(exc, RecursionError):
        return "StackOverflow"
    return None


def _is_lookup_name_error(exc: BaseException) -> bool:
    """A NameError from looking up an undefined name (not ``raise NameError(...)``).  Under
    nearc's NLR_WASM the lookup's pending exception leaves a NULL object on the stack and the
    Wasm traps (``unreachable``), even inside ``try``; measured in Wasm mode."""
    return type(exc) is NameError and getattr(exc, "name", None) is not None
