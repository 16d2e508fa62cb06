"""MicroPython's object semantics for contract code in CPython mode: dict order, failing
subscripts, division and number-conversion texts, undefined names - through an AST rewrite of
the contract's code and the builtins it sees.  CPython only.
"""

from __future__ import annotations

import ast
import builtins
import operator
import re

from ._mainc import _mp_print
from ._modnear import _trap
from ._mpport import _call as _port_call
from ._mpport import charge_append, charge_obj, except_hook, heap_scan, mp_new, mp_new_local


class _Subscripts(ast.NodeTransformer):
    """Contract code rewritten for MicroPython semantics, lines kept:

    * ``obj[key]`` (a load) becomes ``__mp_subscr__(obj, key)`` (:func:`_mp_subscr`); slices and
      augmented assignments (``d[k] += 1``) are left as CPython does them;
    * operators go through :func:`_mp_binop` / :func:`_mp_compare` (error types and texts as
      the port raises them, heap charges), ``name op= value`` too;
    * ``{k: v, ...}`` becomes ``__mp_dict__(n, k, v, ...)``, ``{k: v for ...}``
      ``__mp_dict_pairs__(((k, v) for ...))``, set displays and comprehensions likewise: dicts
      and sets that iterate in MicroPython's order (:class:`MPDict`, :class:`MPSet`); a class
      deriving from ``dict`` derives from MPDict, ``obj.__dict__`` and ``**kwargs`` are
      MPDicts;
    * ``dict(...)``, ``set(...)``, ``int(...)`` and ``float(...)`` become ``__mp_call__(dict,
      ...)`` ... (:func:`_mp_call`), ``x.sort(...)`` ``__mp_sort__(x, ...)`` (MicroPython's
      unstable quicksort), ``dict.fromkeys(...)`` ``__mp_fromkeys__(...)``;
    * what contract code makes (call results, list displays, f-strings) passes through
      ``__mp_new__`` (the heap budget, _mpport);
    * every ``except`` handler starts with ``__mp_except__()`` (recursion traps, the NLR
      defect: _mpport.except_hook)."""

    def visit_Dict(self, node):
        self.generic_visit(node)
        if any(k is None for k in node.keys):  # {**other, ...}: left to CPython
            return node
        args = [ast.Constant(len(node.keys))]
        for k, v in zip(node.keys, node.values):
            args += [k, v]
        return _call("__mp_dict__", args, node)

    def visit_DictComp(self, node):
        self.generic_visit(node)
        pairs = ast.GeneratorExp(elt=ast.Tuple([node.key, node.value], ast.Load()),
                                 generators=node.generators)
        return _call("__mp_dict_pairs__", [ast.copy_location(pairs, node)], node)

    def visit_Set(self, node):
        self.generic_visit(node)
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return node
        return _call("__mp_set__", [ast.Constant(len(node.elts)), *node.elts], node)

    def visit_SetComp(self, node):
        self.generic_visit(node)
        gen = ast.GeneratorExp(elt=node.elt, generators=node.generators)
        return _call("__mp_set_iter__", [ast.copy_location(gen, node)], node)

    def visit_List(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load):
            return node
        return _call("__mp_new__", [node], node)

    visit_ListComp = visit_JoinedStr = lambda self, node: _call(  # noqa: E731
        "__mp_new__", [self.generic_visit(node)], node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("dict", "int", "float", "set"):
            call = _call("__mp_call__", [func, *node.args], node, node.keywords)
        elif isinstance(func, ast.Attribute) and func.attr == "sort":
            call = _call("__mp_sort__", [func.value, *node.args], node, node.keywords)
        elif (isinstance(func, ast.Attribute) and func.attr in ("append", "extend", "insert")
              and not node.keywords):
            return _call("__mp_grow__", [func.value, ast.Constant(func.attr), *node.args], node)
        elif (isinstance(func, ast.Attribute) and func.attr == "fromkeys"
              and isinstance(func.value, ast.Name) and func.value.id == "dict"):
            call = _call("__mp_fromkeys__", node.args, node, node.keywords)
        elif isinstance(func, ast.Name) and (func.id.startswith("__mp_")
                                             or func.id == "breakpoint"):
            return node
        else:
            call = node
        return _call("__mp_new__", [call], node)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        op = _BINOP_NAMES.get(type(node.op))
        if op is None or (_is_number(node.left) and _is_number(node.right)
                          and op in ("+", "-", "*")):
            return node
        return _call("__mp_binop__", [node.left, node.right, ast.Constant(op)], node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        op = _BINOP_NAMES.get(type(node.op))
        if op is None or not isinstance(node.target, ast.Name):
            return node
        load = ast.copy_location(ast.Name(node.target.id, ast.Load()), node.target)
        value = _call("__mp_binop__", [load, node.value, ast.Constant(op + "=")], node)
        return ast.copy_location(ast.Assign(targets=[node.target], value=value), node)

    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) != 1:
            return node
        op = _COMPARE_NAMES.get(type(node.ops[0]))
        if op is None:
            return node
        return _call("__mp_compare__", [node.left, node.comparators[0], ast.Constant(op)], node)

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load) or _has_slice(node.slice):
            return node
        return _call("__mp_subscr__", [node.value, node.slice], node)

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr == "__dict__" and isinstance(node.ctx, ast.Load):
            return _call("__mp_instance_dict__", [node.value], node)
        return node

    def visit_ClassDef(self, node):
        self.generic_visit(node)
        node.bases = [ast.copy_location(ast.Name("__mp_dict_base__", ast.Load()), b)
                      if isinstance(b, ast.Name) and b.id == "dict" else b for b in node.bases]
        return node

    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        if node.args.kwarg is not None:
            name = node.args.kwarg.arg
            stmt = ast.Assign(targets=[ast.Name(name, ast.Store())],
                              value=_call("__mp_kwargs__", [ast.Name(name, ast.Load())],
                                          node.body[0]))
            node.body.insert(_docstring_len(node.body), ast.copy_location(stmt, node.body[0]))
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ExceptHandler(self, node):
        self.generic_visit(node)
        hook = ast.Expr(_call("__mp_except__", [], node.body[0]))
        node.body.insert(0, ast.copy_location(hook, node.body[0]))
        return node


def _is_number(node) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _call(name, args, where, keywords=()):
    call = ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=list(keywords))
    return ast.copy_location(call, where)


def _docstring_len(body) -> int:
    first = body[0] if body else None
    return int(isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
               and isinstance(first.value.value, str))


_BINOP_NAMES = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
                ast.Mod: "%", ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>",
                ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.MatMult: "@"}
_COMPARE_NAMES = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in",
                  ast.NotIn: "not in"}


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


class _MPOrdered:
    """What MPDict and MPSet share: the _MPTable that keeps MicroPython's order (``_mp``),
    made with a given allocation, and ``|=`` as ``update``."""

    __slots__ = ()

    @classmethod
    def with_alloc(cls, alloc: int):
        obj = cls()
        obj._mp = _MPTable(alloc)
        return obj

    def __ior__(self, other):
        self.update(other)
        return self


class MPDict(_MPOrdered, dict):
    """A dict that iterates, prints and pops items in MicroPython's order (section comment).
    Lookups, equality and everything else are CPython's dict."""

    __slots__ = ("_mp",)

    def __init__(self, *args, **kwargs):
        dict.__init__(self)
        self._mp = _MPTable()
        if args or kwargs:
            self.update(*args, **kwargs)

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

    def __reduce__(self):
        return (MPDict, (list(self.items()),))


def _mp_dict(n, *kv):
    """A dict display ``{k: v, ...}``: BUILD_MAP n (``mp_obj_new_dict(n)``: alloc n), then
    each entry stored in order."""
    d = MPDict.with_alloc(n)
    for i in range(0, len(kv), 2):
        d[kv[i]] = kv[i + 1]
    if _port_call[0] is not None:
        charge_obj(d, 16 + (((8 * n) + 15) & ~15))
    return d


def _mp_dict_pairs(pairs):
    """A dict comprehension: an empty dict (alloc 0) filled in order."""
    d = MPDict()
    for k, v in pairs:
        d[k] = v
    if _port_call[0] is not None:
        charge_obj(d, 16 + ((8 * len(d._mp.slots) + 15) & ~15))
    return d


def _mp_call(fn, *args, **kwargs):
    """A call of the name ``dict``, ``int`` or ``float``: when it is the builtin, as
    MicroPython does it - ``dict(...)`` starts from alloc 0 (an MPDict), ``int``/``float`` fail
    with MicroPython's texts ("invalid syntax for integer with base 10", "can't convert
    NoneType to int"; measured in Wasm mode)."""
    if fn is dict:
        return MPDict(*args, **kwargs)
    if fn is set:
        return MPSet(*args, **kwargs)
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


_DIVISIONS = ("/", "//", "%")
_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "//": operator.floordiv, "%": operator.mod, "**": operator.pow,
              "<<": operator.lshift, ">>": operator.rshift, "|": operator.or_,
              "^": operator.xor, "&": operator.and_, "@": operator.matmul,
              "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
              "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": operator.imod,
              "**=": operator.ipow, "<<=": operator.ilshift, ">>=": operator.irshift,
              "|=": operator.ior, "^=": operator.ixor, "&=": operator.iand,
              "@=": operator.imatmul,
              "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
              "in": lambda a, b: a in b, "not in": lambda a, b: a not in b}
# CPython's texts for a TypeError that MicroPython raises in mp_binary_op's unsupported_op
# (which, under NLR_WASM, falls through to its zero_division raise: measured)
_OPERAND_ERRORS = ("unsupported operand", "can only concatenate", "can't multiply sequence",
                   "not supported between", "argument of type", "can't concat",
                   "'in <string>' requires")


_MP_OP_NAMES = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__",
                "//": "__floordiv__", "%": "__mod__", "**": "__pow__", "<<": "__lshift__",
                ">>": "__rshift__", "|": "__or__", "^": "__xor__", "&": "__and__",
                "@": "__matmul__", "<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__",
                "in": "", "not in": ""}
_CPYTHON_OPERAND_TEXT = (
    re.compile(r"unsupported operand type\(s\) for ([^:]+): '([^']+)' and '([^']+)'"),
    re.compile(r"'([^']+)' not supported between instances of '([^']+)' and '([^']+)'"))


def _operator_error(exc: TypeError, a=None, b=None, op=None):
    """The exception the port raises where CPython raised ``exc`` in operator ``op`` on ``a``
    and ``b`` (None: not known, read from CPython's text), or None to keep ``exc``.  nearc's
    port: ``ZeroDivisionError('divide by zero')`` (mp_binary_op's unsupported_op falls through
    to its zero_division raise under NLR_WASM); near_safe's: TypeError with MicroPython's text
    ``unsupported types for __add__: 'NoneType', 'int'`` (measured)."""
    state = _port_call[0]
    text = str(exc)
    if state is None or not any(part in text for part in _OPERAND_ERRORS):
        return None
    if state.port.operator_errors_as_zero_division:
        return ZeroDivisionError("divide by zero")
    if op is not None:
        # mp_binary_op works on a bool as an int, but a comparison names a right-hand bool
        # (measured: [1] // True -> 'list', 'int'; None > True -> 'NoneType', 'bool')
        keep_bool = op in _COMPARISONS and type(b) is bool
        types = (_type_name(a), "bool" if keep_bool else _type_name(b))
    else:
        for pattern in _CPYTHON_OPERAND_TEXT:
            m = pattern.match(text)
            if m:
                op = m.group(1).rstrip("=")
                keep_bool = op in _COMPARISONS and m.group(3) == "bool"
                types = (_MP_TYPE_NAMES.get(m.group(2), m.group(2)),
                         "bool" if keep_bool else _MP_TYPE_NAMES.get(m.group(3), m.group(3)))
                break
        else:
            return None
    name = _MP_OP_NAMES.get(op.rstrip("=") if op not in ("<=", ">=") else op)
    if name is None:
        return None
    return TypeError(f"unsupported types for {name}: '{types[0]}', '{types[1]}'")


_COMPARISONS = ("<", "<=", ">", ">=")
_MP_TYPE_NAMES = {"MPDict": "dict", "_MPInstanceDict": "dict", "MPSet": "set", "bool": "int"}
# str % args: MicroPython's texts for CPython's (py/objstr.c)
_FORMAT_TEXTS = {"not all arguments converted during string formatting":
                 "format string didn't convert all arguments",
                 "not all arguments converted during bytes formatting":
                 "format string didn't convert all arguments",
                 "not enough arguments for format string": "format string needs more arguments"}


def _type_name(obj) -> str:
    t = type(obj)
    if t is MPDict or t is _MPInstanceDict:
        return "dict"
    if t is MPSet:
        return "set"
    if t is bool:  # mp_binary_op works on a bool as the int it is
        return "int"
    return t.__name__


class _MPGc:
    """``gc`` for contract code: ``mem_alloc``/``mem_free`` read the heap budget (_mpport);
    ``collect()`` traps on nearc's port and does nothing on near_safe's (measured)."""

    @staticmethod
    def collect():
        state = _port_call[0]
        if state is not None and state.port.nlr_defect:
            raise heap_scan(state)  # nearc's gc_collect scans the whole memory (_mpport)
        return 0

    @staticmethod
    def mem_alloc():
        state = _port_call[0]
        return state.heap_used if state is not None else 0

    @staticmethod
    def mem_free():
        state = _port_call[0]
        if state is None:
            return 0
        limit = state.port.heap_bytes or 0
        return max(0, limit - state.heap_used)

    @staticmethod
    def enable():
        return None

    disable = enable

    @staticmethod
    def isenabled():
        return True

    @staticmethod
    def threshold(*args):
        return -1


_GC = _MPGc()
_FAILING_IMPORTS = frozenset()  # filled below (_mpbuild imports this module)


def _failing_imports() -> frozenset:
    from ._mpbuild import IMPORT_FAILURES

    return frozenset(n for table in IMPORT_FAILURES.values() for n in table)


def _mp_import(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "gc" and level == 0:
        return _GC
    if level == 0 and name in _FAILING_IMPORTS and _port_call[0] is not None:
        from ._loading import _raise_import_failure
        from ._mpbuild import import_failure

        failure = import_failure(name)
        if failure is not None:  # frozen, but fails to import in the Wasm (measured)
            _raise_import_failure(failure)
    return builtins.__import__(name, globals, locals, fromlist, level)


def _nearc_operators() -> bool:
    state = _port_call[0]
    return state is not None and state.port.operator_errors_as_zero_division


def _mp_binop(a, b, op):
    """``a op b`` (and ``name op= b``) as MicroPython does it: one text for a zero divisor,
    ``ZeroDivisionError: divide by zero`` (CPython has three); bytes + str concatenates;
    operand TypeErrors as the port raises them (:func:`_operator_error`); the result charged
    to the heap budget."""
    try:
        res = _OPERATORS[op](a, b)
    except ZeroDivisionError:
        raise ZeroDivisionError("divide by zero") from None
    except TypeError as exc:
        if op[0] == "+" and type(a) is bytes and type(b) is str:
            res = a + b.encode("utf-8", "surrogatepass")  # mp_binary_op: str's buffer
        elif op[0] == "%" and type(a) in (str, bytes) and _nearc_operators():
            raise ZeroDivisionError("divide by zero") from None  # measured on nearc's port
        elif op[0] == "%" and type(a) in (str, bytes) and str(exc) in _FORMAT_TEXTS:
            raise TypeError(_FORMAT_TEXTS[str(exc)]) from None
        else:
            replaced = _operator_error(exc, a, b, op)
            if replaced is None:
                raise
            raise replaced from None
    if op[0] == "%" and type(a) is str and type(b) not in (tuple, dict) and res == a and (
            "%" not in a.replace("%%", "")):
        # CPython ignores a non-tuple argument a format without specifiers does not use;
        # MicroPython's str_modulo_format does not (measured: 'a' % [1])
        if _nearc_operators():
            raise ZeroDivisionError("divide by zero")
        raise TypeError("format string didn't convert all arguments")
    if _port_call[0] is not None:
        mp_new_local(res)
    return res


_NOT_ITERABLE = (int, float, bool, type(None), complex)


_UNHASHABLE = (set, list, dict, bytearray)  # MPSet and MPDict derive from set and dict


def _mp_contains_error(a, b, nearc: bool):
    """``a in b`` where CPython raises TypeError: MicroPython's result or exception (measured:
    a bytes container answers False and a str one converts implicitly on both ports; a number
    is not iterable on near_safe's, "'' object isn't an iterator" on nearc's; other cases are
    the port's operator error)."""
    if type(b) is bytes or type(b) is bytearray:
        return False
    if isinstance(b, (set, frozenset, dict)) and isinstance(a, _UNHASHABLE):
        return TypeError(f"unsupported type for __hash__: '{_type_name(a)}'")
    if isinstance(b, str):
        return TypeError(f"can't convert '{_type_name(a)}' object to str implicitly")
    if nearc:
        return TypeError("'' object isn't an iterator") if type(b) in _NOT_ITERABLE else None
    if type(b) in _NOT_ITERABLE:
        return TypeError(f"'{type(b).__name__}' object isn't iterable")
    return None


def _mp_compare(a, b, op):
    if (op[-2:] == "in" and isinstance(b, (set, frozenset)) and isinstance(a, set)
            and _port_call[0] is not None):
        raise TypeError(f"unsupported type for __hash__: '{_type_name(a)}'")
    if type(a) is bytes and type(b) is str and op[0] in "<>":
        # bytes' binary_op compares the two buffers (measured: b'x' <= 'a' is False; the
        # other way round, 'a' > b'x', is a TypeError)
        b = b.encode("utf-8", "surrogatepass")
    try:
        return _OPERATORS[op](a, b)
    except TypeError as exc:
        if op in ("in", "not in"):
            state = _port_call[0]
            if state is not None:
                answer = _mp_contains_error(a, b, state.port.operator_errors_as_zero_division)
                if answer is False:
                    return op == "not in"
                if answer is not None:
                    raise answer from None
        replaced = _operator_error(exc, a, b, op)
        if replaced is None:
            raise
        raise replaced from None


def _mp_divide(a, b, op):
    return _mp_binop(a, b, op)


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
            state = _port_call[0]
            if state is not None and not state.port.last_exception_wins:
                raise _MPKeyError(key) from None  # near_safe's port: the first raise wins
            raise TypeError("'dict' object isn't subscriptable") from None
        raise
    except IndexError:
        state = _port_call[0]
        if state is not None and not state.port.last_exception_wins:
            raise
        if type(obj) is list and type(key) is int:
            index = key + len(obj) if key < 0 else key
            if 0 <= index < max(4, len(obj)):
                raise TypeError("'list' object isn't subscriptable") from None
        raise


# ------------------------------------------------------------ MicroPython's set order
#
# py/objset.c: a set is the same open-addressing table as a dict (``mp_set_lookup``): a display
# of n items starts at alloc n, ``set()`` and comprehensions at 0; copy() keeps the table; ``a |
# b`` copies a and adds b's items, ``a & b`` adds b's items found in a to a new set, ``a - b``
# copies a and removes b's.  Measured against Wasm mode (tests/pymode).


class MPSet(_MPOrdered, set):
    """A set that iterates and prints in MicroPython's order; membership and the rest are
    CPython's."""

    __slots__ = ("_mp",)

    def __init__(self, iterable=()):
        set.__init__(self)
        self._mp = _MPTable()
        for item in iterable:
            self.add(item)

    def add(self, item):
        if item not in self:
            set.add(self, item)
            self._mp.add(item)

    def discard(self, item):
        if item in self:
            set.discard(self, item)
            self._mp.remove(item)

    def remove(self, item):
        if item not in self:
            raise _MPKeyError(item)
        self.discard(item)

    def pop(self):
        items = self._mp.ordered()
        if not items:
            raise _MPKeyError("pop from an empty set")
        item = items[0]
        set.discard(self, item)
        self._mp.remove(item)
        return item

    def clear(self):
        set.clear(self)
        self._mp = _MPTable()

    def update(self, *others):
        for other in others:
            for item in other:
                self.add(item)

    def __iter__(self):
        return iter(self._mp.ordered())

    def __repr__(self):
        if not self:
            return "set()"
        return "{" + ", ".join(repr(k) for k in self._mp.ordered()) + "}"

    __str__ = __repr__

    def copy(self):
        s = MPSet()
        set.update(s, self)
        s._mp = self._mp.copy()
        return s

    def union(self, *others):
        s = self.copy()
        s.update(*others)
        return s

    def intersection(self, *others):
        s = self
        for other in others:
            out = MPSet()
            for item in other:
                if item in s:
                    out.add(item)
            s = out
        return s if others else self.copy()

    def difference(self, *others):
        s = self.copy()
        for other in others:
            for item in other:
                s.discard(item)
        return s

    def symmetric_difference(self, other):
        s = self.copy()
        for item in other:
            if item in s:
                s.discard(item)
            else:
                s.add(item)
        return s

    def difference_update(self, *others):
        for other in others:
            for item in other:
                self.discard(item)

    def intersection_update(self, *others):
        keep = self.intersection(*others)
        self.clear()
        self.update(keep)

    def __or__(self, other):
        return self.union(other) if isinstance(other, (set, frozenset)) else NotImplemented

    def __and__(self, other):
        return self.intersection(other) if isinstance(other, (set, frozenset)) else NotImplemented

    def __sub__(self, other):
        return self.difference(other) if isinstance(other, (set, frozenset)) else NotImplemented

    def __xor__(self, other):
        return (self.symmetric_difference(other) if isinstance(other, (set, frozenset))
                else NotImplemented)

    def __isub__(self, other):
        self.difference_update(other)
        return self

    def __iand__(self, other):
        self.intersection_update(other)
        return self

    def __reduce__(self):
        return (MPSet, (list(self),))


def _mp_set(n, *items):
    s = MPSet.with_alloc(n)
    for item in items:
        s.add(item)
    if _port_call[0] is not None:
        charge_obj(s, 16 + ((4 * n + 15) & ~15))
    return s


def _mp_set_iter(items):
    s = MPSet(items)
    if _port_call[0] is not None:
        charge_obj(s, 16 + ((4 * len(s._mp.slots) + 15) & ~15))
    return s


# ---------------------------------------------- dict.fromkeys, subclasses, __dict__, **kwargs

def _mp_grow(obj, method, *args):
    """``obj.append(x)`` / ``extend`` / ``insert``; a list's growth is charged (_mpport)."""
    result = getattr(obj, method)(*args)
    if type(obj) is list and _port_call[0] is not None:
        charge_append(obj, 1 if method != "extend" else None)
    return result


def _mp_fromkeys(iterable, value=None):
    return MPDict.fromkeys(iterable, value)


def _mp_kwargs(kwargs):
    """``**kwargs``: py/bc.c makes the dict with alloc = the number of keywords passed
    (taken as len(kwargs): exact unless some keywords matched named parameters)."""
    d = MPDict.with_alloc(len(kwargs))
    for k, v in kwargs.items():
        d[k] = v
    return d


class _MPInstanceDict(MPDict):
    """``obj.__dict__`` of an instance: MicroPython's member map (alloc 0, filled in
    assignment order) in its order; writes go through to the object."""

    __slots__ = ("_owner",)

    def __setitem__(self, key, value):
        MPDict.__setitem__(self, key, value)
        object.__getattribute__(self._owner, "__dict__")[key] = value

    def __delitem__(self, key):
        MPDict.__delitem__(self, key)
        del object.__getattribute__(self._owner, "__dict__")[key]


def _mp_instance_dict(obj):
    d = obj.__dict__
    if type(d) is not dict or isinstance(obj, type):
        return d
    view = _MPInstanceDict()
    for k, v in d.items():
        MPDict.__setitem__(view, k, v)
    view._owner = obj
    return view


# ------------------------------------------------ sorting, sum, min, max, hash (py/objlist.c)

def _mp_quicksort(items: list, key, less_result: bool) -> None:
    """``mp_quicksort`` of py/objlist.c, literally (unstable; the key is called at every
    comparison); ``less_result`` is True for ascending, False for ``reverse=True``."""
    def k(x):
        return x if key is None else key(x)

    def less(a, b):
        return _mp_compare(a, b, "<") is True

    stack = [(0, len(items) - 1)]
    while stack:
        head, tail = stack.pop()
        while head < tail:
            h, t = head - 1, tail
            v = k(items[tail])
            while True:
                h += 1
                while h < t and less(k(items[h]), v) == less_result:
                    h += 1
                t -= 1
                while h < t and less(v, k(items[t])) == less_result:
                    t -= 1
                if h >= t:
                    break
                items[h], items[t] = items[t], items[h]
            items[h], items[tail] = items[tail], items[h]
            if t - head < tail - h - 1:
                stack.append((h + 1, tail))  # the C code recurses on (head, t) first
                tail = t
            else:
                stack.append((head, t))
                head = h + 1
    return None


def _mp_list_sort(items: list, *, key=None, reverse=False) -> None:
    if len(items) > 1:
        _mp_quicksort(items, key, not reverse)


def _mp_sort(obj, *args, **kwargs):
    """``obj.sort(...)``: MicroPython's quicksort for a list, else the object's own sort."""
    if type(obj) is list and not args:
        return _mp_list_sort(obj, **kwargs)
    return obj.sort(*args, **kwargs)


def _mp_sorted(iterable, *, key=None, reverse=False):
    items = list(iterable)
    _mp_list_sort(items, key=key, reverse=reverse)
    return items


_NO_DEFAULT = object()


def _mp_min_max(op, args, key=None, default=_NO_DEFAULT):
    """``min``/``max`` of py/modbuiltins.c: ``mp_binary_op(op, item, best)`` (``<`` for min,
    ``>`` for max), so operator errors and bytes/str comparisons are the port's."""
    items = args[0] if len(args) == 1 else args
    best = best_key = _NO_DEFAULT
    for item in items:
        item_key = item if key is None else key(item)
        if best is _NO_DEFAULT or _mp_compare(item_key, best_key, op) is True:
            best, best_key = item, item_key
    if best is _NO_DEFAULT:
        if default is _NO_DEFAULT:
            raise ValueError("arg is an empty sequence")
        return default
    return best


def _mp_min(*args, key=None, default=_NO_DEFAULT):
    return _mp_min_max("<", args, key, default)


def _mp_max(*args, key=None, default=_NO_DEFAULT):
    return _mp_min_max(">", args, key, default)


def _operator_errors(fn):
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError as exc:
            replaced = _operator_error(exc)
            if replaced is None:
                raise
            raise replaced from None

    wrapper.__name__ = wrapper.__qualname__ = fn.__name__
    return wrapper


def _hash(obj):
    """MicroPython's hash of str, bytes and ints (qstr hash, value); CPython's otherwise."""
    t = type(obj)
    if t is str or t is bytes or t is int or t is bool:
        return _mp_hash(obj)
    return hash(obj)


# ------------------------------------------------------------------ the builtins contract code sees

# dir(builtins) inside nearc's Wasm (measured; the same in near_safe's port): contract code gets
# only these names; any other traps at its lookup (Unreachable), as there.
PORT_BUILTINS = frozenset("""
ArithmeticError AssertionError AttributeError BaseException EOFError Ellipsis Exception
GeneratorExit ImportError IndentationError IndexError KeyError KeyboardInterrupt LookupError
MemoryError NameError NotImplemented NotImplementedError OSError OverflowError RuntimeError
StopAsyncIteration StopIteration SyntaxError SystemExit TypeError UnicodeError ValueError
ZeroDivisionError __build_class__ __import__ __name__ abs all any bin bool bytearray bytes
callable chr classmethod compile complex delattr dict dir divmod enumerate eval exec filter
float frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len
list locals map max memoryview min next object oct open ord pow print property range repr
reversed round set setattr slice sorted staticmethod str sum super tuple type zip
""".split())
# kept for debugging though the Wasm lacks it (docs/cpython-mode.md): breakpoint()
_DEBUG_BUILTINS = ("breakpoint",)


class _FrozenBuiltins(dict):
    """The builtins contract code (the contract module, its local modules) sees: the port's
    names (:data:`PORT_BUILTINS`) with MicroPython's behaviour where it differs, and a name
    found nowhere traps at once, as in the Wasm (``unreachable``, even inside ``try``) -
    CPython looks builtins up through ``__missing__`` when they are not an exact dict."""

    def __missing__(self, name):
        host = _running[0]
        if host is None:
            raise NameError(f"name '{name}' is not defined", name=name)
        state = _port_call[0]
        if state is not None and not state.port.undefined_name_traps:
            exc = _MPNameError(f"name '{name}' isn't defined")  # patch 0007: catchable
            _line_of_except_clause(exc)
            raise exc
        raise _trap(host, "Unreachable")


def _line_of_except_clause(exc) -> None:
    """An undefined name in an ``except`` clause: MicroPython's traceback names the line the
    matched exception came from, not the clause's (measured); noted on ``exc`` for
    ``format_mp_exception``."""
    import dis
    import sys

    frame = sys._getframe(2)
    pending = sys.exc_info()[1]
    if pending is None or pending.__traceback__ is None:
        return
    after = False
    for ins in dis.get_instructions(frame.f_code):
        if after:
            if ins.opname == "CHECK_EXC_MATCH":
                tb = pending.__traceback__
                while tb is not None and tb.tb_frame is not frame:
                    tb = tb.tb_next
                if tb is not None:
                    exc.mp_lines = {id(frame): tb.tb_lineno}
            return
        if ins.offset == frame.f_lasti:
            after = True


class _MPNameError(NameError):
    """NameError as near_safe's port raises it for an undefined name (not a trap)."""


_MPNameError.__name__ = _MPNameError.__qualname__ = "NameError"


_running = [None]  # the NearHost of the call in progress
_FROZEN_BUILTINS = _FrozenBuiltins(
    {name: value for name, value in vars(builtins).items()
     if name in PORT_BUILTINS or name in _DEBUG_BUILTINS},
    __doc__=None, print=_mp_print, __import__=_mp_import, sorted=_mp_sorted, sum=_operator_errors(sum),
    min=_mp_min, max=_mp_max, hash=_hash,
    __mp_subscr__=_mp_subscr, __mp_dict__=_mp_dict, __mp_dict_pairs__=_mp_dict_pairs,
    __mp_call__=_mp_call, __mp_divide__=_mp_divide, __mp_binop__=_mp_binop,
    __mp_compare__=_mp_compare, __mp_set__=_mp_set, __mp_set_iter__=_mp_set_iter,
    __mp_new__=mp_new, __mp_sort__=_mp_sort, __mp_fromkeys__=_mp_fromkeys,
    __mp_kwargs__=_mp_kwargs, __mp_grow__=_mp_grow, __mp_instance_dict__=_mp_instance_dict,
    __mp_dict_base__=MPDict, __mp_except__=except_hook)


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


_FAILING_IMPORTS = _failing_imports()
