"""What a contract module does, as facts the rules read.

For every function the checker records an ordered list of :class:`Event`: storage reads and
writes (credit, debit, set, remove), cross-contract calls (with their deposit and gas),
callbacks attached with ``.then(...)``/``promise_then`` (with the gas they get), transfers,
promise-result reads, access checks, panics (and whether a ``try`` guards them), JSON outputs.
The rules in ``_analysis.py`` are then small predicates over these facts.

The analysis is intra-procedural with one twist: calls to other functions of the module
(``self._helper(...)``, ``helper(...)``) are inlined at the call site when rules read a method's
facts, so a method that delegates its promise to a helper is still understood.  Values are
followed through local assignments (``amount = Context.attached_deposit()``), flow-insensitively.

It models near-sdk-py 1.0.0's promise API exactly as written in its source:
``CrossContract(acct, gas=10 Tgas, deposit=0).call(m)`` returns ``Promise(id, gas=<its gas>)``;
``Promise.then(m)`` gives the callback the promise's gas and returns ``Promise(id)`` (5 Tgas);
``Promise.create_batch(acct)`` is a ``PromiseBatch`` with 5 Tgas; ``PromiseBatch.then(acct)``
returns a batch on ``acct`` whose ``function_call`` without gas uses the batch's gas.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field, fields, replace
from typing import ClassVar

from .._facts import NEARC_EXPORT_ATTRIBUTE, NEARC_EXPORT_DECORATORS
from ._api import safe_call_params
from ._names import TGAS, Imports, call_name, const_int, const_str, walk

# ---------------------------------------------------------------- recognised API names
EXPORT_SPELLINGS = NEARC_EXPORT_DECORATORS | {NEARC_EXPORT_ATTRIBUTE}
EXPORT_KINDS = NEARC_EXPORT_DECORATORS | {"contract_method"}
SOURCE_ROOTS = {"near", "near_sdk_py", "near_safe", "self"}
SOURCES = {
    "deposit": {"attached_deposit"},
    "pred": {"predecessor_account_id", "signer_account_id", "predecessor"},
    "current": {"current_account_id"},
    "big": {"attached_deposit", "account_balance", "account_locked_balance"},
    "gasleft": {"prepaid_gas", "used_gas"},
    # the contract's own balance, read from any root (near, Context, self, a test env)
    "balance": {"account_balance"},
    # chosen by whoever calls the method: its parameters (seeded per function, see _FuncFacts)
    "param": {"input"},
    # what a callee answered: promise results and near_safe's result parameter
    "result": {"promise_result", "promise_result_as_str"},
}
#: categories whose value flows through attribute and item access (``args.receiver``,
#: ``result.value["x"]``): the whole object is chosen by the caller / the callee
_CONTAINER_CATS = {"param", "result"}
#: parameters of the raw promise API the host checks when the call is made: an invalid
#: account id or an amount above the balance aborts the whole receipt (no try catches it)
HOST_CHECKED_PARAMS = ("account_id", "amount")
#: fields of near_safe's Operation a callback body may adjust
OP_FIELDS = {"refund", "credit", "restore"}
#: safe_call's parameters the rules read (their positions come from its signature, _api.py)
SAFE_CALL_OPTIONS = ("receiver", "function", "args", "deposit", "then", "then_args", "caller",
                     "refund", "credit", "debit", "lock")
SUCCESS_ATTRS = {"success", "ok", "is_ok", "is_success", "succeeded"}
RESULT_READS = {"near.promise_result", "near.promise_result_as_str", "near.promise_results_count",
                "near_sdk_py.PromiseResult"}
HOST_PANICS = {"near.panic_utf8", "near.panic", "near.abort", "near.panic_utf16"}
STORAGE_WRITES = {"near_sdk_py.Storage.set": "set", "near_sdk_py.Storage.set_json": "set",
                  "near.storage_write": "set", "near_sdk_py.Storage.remove": "remove",
                  "near.storage_remove": "remove"}
STORAGE_READS = {"near_sdk_py.Storage.get", "near_sdk_py.Storage.get_string",
                 "near_sdk_py.Storage.get_json", "near_sdk_py.Storage.has",
                 "near.storage_read", "near.storage_has_key",
                 "near_safe.state.get", "near_safe.state.read", "near_safe.state.has"}
COLLECTION_CLASSES = {"Vector", "LookupMap", "UnorderedMap", "IterableMap", "LookupSet",
                      "UnorderedSet", "IterableSet", "TreeMap"}
COLL_KEYED_WRITES = {"set", "insert", "remove", "pop", "swap_remove"}
COLL_UNKEYED_WRITES = {"add", "append", "discard", "extend", "clear"}
COLL_READS = {"get", "contains", "has", "keys", "values", "items", "len"}
DEFAULT_PROMISE_GAS = 5 * TGAS     # near_sdk_py Promise(...) and PromiseBatch(...) default
DEFAULT_CROSS_GAS = 10 * TGAS      # near_sdk_py CrossContract(...) default
BIG = 2**53
INIT_NAMES = {"new", "init", "initialize"}
NEAR_SAFE_STATE = {"near_safe.state.set": "set", "near_safe.state.write": "set",
                   "near_safe.state.remove": "remove", "near_safe.state.credit": "credit",
                   "near_safe.state.debit": "debit"}


# ---------------------------------------------------------------- facts (one class per kind)
_EV = {"frozen": True, "eq": False, "kw_only": True, "slots": True}


@dataclass(**_EV)
class Event:
    """A fact about one place of a function body. Subclasses are the kinds; ``kind`` names
    them for messages and debugging."""
    kind: ClassVar[str] = "event"
    node: ast.AST
    path: str | None = None       # "success"/"failure": the branch of a promise-result test
    order: tuple = ()             # evaluation order (inlined events: call site's + their own)
    owner: "Func | None" = None   # the function whose body holds the node (for its values)

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def col(self) -> int:
        return self.node.col_offset


@dataclass(**_EV)
class Write(Event):
    """A storage write: ``op`` is credit/debit (value read-modify-written with +/-), set or
    remove; ``container`` is "storage", "ledger" (near_safe's state.credit/debit) or a
    collection."""
    kind: ClassVar[str] = "write"
    container: str
    key: str | None = None
    key_node: ast.AST | None = None
    value: ast.AST | None = None
    op: str = "set"
    fixed_op: bool = False        # the op is the API's (remove, state.credit), not the value's
    deposit: bool = False         # the value comes from the attached deposit
    ledger: str | None = None     # near_safe ledger name (state.credit/debit)


@dataclass(**_EV)
class Read(Event):
    kind: ClassVar[str] = "read"
    container: str
    key: str | None = None


@dataclass(**_EV)
class CallExt(Event):
    """A function call on another account (or an unresolved one), with what it carries."""
    kind: ClassVar[str] = "call_ext"
    method: str | None = None
    method_node: ast.AST | None = None
    amount: ast.AST | None = None
    nonzero: bool = False         # the amount is not a constant 0
    fwd: bool = False             # the amount is (derived from) the attached deposit
    gas: int | None = None
    gas_node: ast.AST | None = None
    account: ast.AST | None = None
    args_node: ast.AST | None = None
    safe: dict | None = None      # safe_call's options given (name -> node); None: not safe_call
    to_self: bool = False         # the receiver is this contract
    user_recv: bool = False       # the receiver is chosen by the caller
    refund_managed: bool = False  # safe_call with a non-zero refund=


@dataclass(**_EV)
class Callback(Event):
    """A callback to this contract attached to a promise, with the gas it gets."""
    kind: ClassVar[str] = "callback"
    method: str | None = None
    method_node: ast.AST | None = None
    gas: int | None = None
    explicit: bool = False
    gas_node: ast.AST | None = None
    dynamic: bool = False         # gas computed from the gas left
    args_node: ast.AST | None = None
    safe: dict | None = None


@dataclass(**_EV)
class Transfer(Event):
    kind: ClassVar[str] = "transfer"
    amount: ast.AST | None = None
    account: ast.AST | None = None
    to_pred: bool = False         # to the predecessor (who just called)


@dataclass(**_EV)
class Panic(Event):
    kind: ClassVar[str] = "panic"
    how: str                      # raise, assert, unwrap, host, host_account
    guarded: bool = False         # inside a try with a broad handler
    access: bool = False          # inside a test of who called (caller, deposit, results)


@dataclass(**_EV)
class SelfCall(Event):
    """A call to a function of the module (inlined by Module.events_of)."""
    kind: ClassVar[str] = "self_call"
    name: str
    method_call: bool = False


@dataclass(**_EV)
class JsonOut(Event):
    kind: ClassVar[str] = "json_out"
    via: str                      # return, args, kwargs, json.dumps, ...


@dataclass(**_EV)
class NearSafeCall(Event):
    kind: ClassVar[str] = "near_safe"
    name: str                     # qualified near_safe name (near_safe.refund, ...)


@dataclass(**_EV)
class RawPromise(Event):
    kind: ClassVar[str] = "raw_promise"
    name: str                     # near.promise_*


@dataclass(**_EV)
class OpAdjust(Event):
    """``operation().refund/credit/restore = value`` or ``operation().set_ok(value)``."""
    kind: ClassVar[str] = "op_adjust"
    field: str                    # refund, credit, restore, ok
    value: ast.AST | None = None


def _marker(name: str, doc: str) -> type:
    """A fact that only says where (no fields beyond :class:`Event`'s); its ``kind`` is the
    class name in snake case (``OneYoctoCheck`` -> ``one_yocto_check``)."""
    kind = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    cls = type(name, (Event,), {"__doc__": doc, "__module__": __name__, "__qualname__": name,
                                "kind": kind})
    return dataclass(**_EV)(cls)


ResultRead = _marker("ResultRead", "A promise result is read (near.promise_result*, "
                     "PromiseResult).")
PrivateCheck = _marker("PrivateCheck", "The predecessor is compared with this account.")
OwnerCheck = _marker("OwnerCheck", "The predecessor is compared with another account (an "
                     "owner), or self.assert_owner() is called.")
OneYoctoCheck = _marker("OneYoctoCheck", "The attached deposit must be exactly 1 yocto.")
DepositRead = _marker("DepositRead", "The attached deposit is read.")
BalanceRead = _marker("BalanceRead", "The contract's own balance is read.")
InitGuard = _marker("InitGuard", "An init method asserts on storage (it refuses to run twice).")


@dataclass
class Chain:
    """What a promise-API expression evaluates to (see the module docstring)."""
    type: str                 # cc, promise, batch, then_batch, raw, raw_batch, raw_then_batch
    gas: int | None = None    # gas the next call/callback gets (None: not a constant)
    gas_explicit: bool = False
    deposit: ast.AST | None = None
    to_self: bool = False     # then-batch whose receiver is this contract
    account: ast.AST | None = None  # a batch's receiver
    # near_safe's builders (ns_cc, ns_promise, ns_batch, ns_sent): nothing leaves until the
    # chain ends in then/join/value, where the legs are emitted like safe_call's call
    legs: tuple = ()          # (kind "call"/"transfer", node, method, amount, gas, account, args)
    settle: dict | None = None  # .settle(...)'s options (name -> node)
    cb_gas: ast.AST | None = None  # .gas(g) before then: the callback's static gas
    call_gas: ast.AST | None = None  # CrossContract's gas= / .gas(g): each call's static gas


@dataclass
class Decorator:
    node: ast.AST
    qual: str | None          # canonical name of the decorator
    spelled: str | None       # the form nearc's name matching sees, None if not matchable
    kind: str | None          # view/call/init/callback/multi_callback/export/contract_method
    origin: str               # near_safe, near_sdk_py, near, local
    options: dict
    arg_kinds: dict = field(default_factory=dict)  # near_safe's args={name: kind}, literal ones

    @property
    def nearc_exports(self) -> bool:
        return self.spelled in EXPORT_SPELLINGS


@dataclass
class Func:
    node: ast.FunctionDef
    name: str
    cls: str | None
    decorators: list
    events: list = field(default_factory=list)
    facts: "_FuncFacts | None" = None

    @property
    def export(self) -> Decorator | None:
        """The decorator nearc exports this function through (None: not exported)."""
        for d in self.decorators:
            if d.nearc_exports:
                return d
        return None

    @property
    def kind(self) -> str | None:
        d = self.export
        if d is None:
            return None
        kind = "export" if d.spelled == "near.export" else (d.kind or d.spelled)
        if kind == "export" and self.name in INIT_NAMES:
            return "init"  # raw contracts have no @init: their initializer goes by name
        return kind

    @property
    def origin(self) -> str | None:
        d = self.export
        return d.origin if d else None

    def option(self, name: str) -> bool:
        d = self.export
        return bool(d and d.options.get(name) is True)

    def param_kind(self, arg: ast.arg) -> tuple[str | None, str]:
        """The JSON kind a parameter takes and where it was read: near_safe's ``args=`` first
        (it overrides an annotation), else the annotation (``int``, ``Optional[int]``,
        ``int | None``, ``"int"``; any other name, e.g. near-sdk-py's ``Balance``/``AccountId``,
        is that name).  ``(None, "")`` when neither says."""
        d = self.export
        if d is not None and arg.arg in d.arg_kinds:
            return d.arg_kinds[arg.arg], "args="
        kind = annotation_kind(arg.annotation)
        return (kind, "annotation") if kind else (None, "")


def annotation_kind(ann) -> str | None:
    """``int`` for ``int``, ``Optional[int]``, ``int | None``, ``"int"``; the bare name of any
    other annotation; None without one (or one not read)."""
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            ann = ast.parse(ann.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        sides = [s for s in (ann.left, ann.right)
                 if not (isinstance(s, ast.Constant) and s.value is None)]
        return annotation_kind(sides[0]) if len(sides) == 1 else None
    if isinstance(ann, ast.Subscript) and _last_name(ann.value) == "Optional":
        return annotation_kind(ann.slice)
    return _last_name(ann)


def _last_name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


# near_safe's argument kinds by constant name (near_safe/_root.py: INT = "int", ...)
NEAR_SAFE_KINDS = {"INT": "int", "STR": "str", "BOOL": "bool", "AMOUNT": "amount",
                   "ACCOUNT": "account", "LIST": "list", "DICT": "dict", "ANY": "any"}


class Module:
    """A parsed contract module: its functions (with facts), collections and constants."""

    def __init__(self, tree: ast.Module, imports: Imports, constants: dict, gas_consts: dict,
                 nodes=None):
        self.tree = tree
        self.nodes = nodes if nodes is not None else list(walk(tree))
        self.imports = imports
        self.constants = constants
        self.gas_consts = gas_consts
        self.collections: set[str] = set()
        self.attr_chains: dict[str, Chain] = {}
        self.funcs: dict[str, Func] = {}
        self._inlined: dict = {}
        self.func_list: list[Func] = []
        self._collect_defs()
        self._collect_state()
        for f in self.func_list:
            f.facts = _FuncFacts(self, f)
            f.events = f.facts.run()

    # -- structure
    def _collect_defs(self):
        def add(node, cls):
            f = Func(node, node.name, cls, [self._decorator(d) for d in node.decorator_list])
            self.func_list.append(f)
            self.funcs.setdefault(node.name, f)

        for stmt in self.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                add(stmt, None)
            elif isinstance(stmt, ast.ClassDef):
                for item in stmt.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        add(item, stmt.name)

    def _decorator(self, d: ast.AST) -> Decorator:
        target = d.func if isinstance(d, ast.Call) else d
        qual = self.imports.qualify(target)
        if isinstance(target, ast.Name):
            spelled = target.id
        elif isinstance(d, ast.Attribute) and isinstance(d.value, ast.Name) \
                and d.value.id == "near" and d.attr == "export":
            spelled = "near.export"
        else:
            spelled = None
        root = (qual or "").split(".")[0]
        last = (qual or "").rsplit(".", 1)[-1]
        if root in ("near_safe", "near_sdk_py", "near"):
            origin = root
        else:
            origin = "local"
        kind = last if last in EXPORT_KINDS else None
        if origin == "local" and spelled in EXPORT_SPELLINGS:
            kind = spelled.replace("near.", "")
        options = {}
        arg_kinds = {}
        if isinstance(d, ast.Call):
            for kw in d.keywords:
                if kw.arg and isinstance(kw.value, ast.Constant):
                    options[kw.arg] = kw.value.value
                elif kw.arg == "args" and origin == "near_safe" and isinstance(kw.value, ast.Dict):
                    for key, value in zip(kw.value.keys, kw.value.values):
                        if isinstance(key, ast.Constant) and isinstance(key.value, str):
                            arg_kinds[key.value] = self._near_safe_kind(value)
        return Decorator(d, qual, spelled, kind, origin, options, arg_kinds)

    def _near_safe_kind(self, node) -> str | None:
        """``INT``, ``near_safe.AMOUNT``, ``"int"``, ``optional(INT)`` -> ``"int"``, ...; None
        for a kind not written as one of these."""
        if isinstance(node, ast.Call) and len(node.args) == 1 and \
                (self.imports.qualify(node.func) or "").rsplit(".", 1)[-1] == "optional":
            return self._near_safe_kind(node.args[0])
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value.lstrip("?")
        q = self.imports.qualify(node) or ""
        if q.startswith("near_safe."):
            return NEAR_SAFE_KINDS.get(q.rsplit(".", 1)[-1])
        return None

    def _collect_state(self):
        """Persistent collections (``self.x = UnorderedMap(...)``, module-level ones) and
        promise-API objects kept on ``self`` (``self.pool = CrossContract(POOL)``)."""
        def is_collection(value):
            if isinstance(value, ast.Call):
                q = self.imports.qualify(value.func) or ""
                return q.rsplit(".", 1)[-1] in COLLECTION_CLASSES
            return False

        for stmt in self.tree.body:
            if isinstance(stmt, ast.Assign) and is_collection(stmt.value):
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        self.collections.add(t.id)
        for node in self.nodes:
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.Assign) and is_collection(item.value):
                        for t in item.targets:
                            if isinstance(t, ast.Name):
                                self.collections.add("self." + t.id)
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) \
                            and t.value.id == "self" and node.value is not None:
                        if is_collection(node.value):
                            self.collections.add("self." + t.attr)
                        elif isinstance(node.value, ast.Call):
                            chain = _FuncFacts(self, None).chain_of(node.value, record=False)
                            if chain is not None:
                                self.attr_chains["self." + t.attr] = chain

    # -- inlining
    def events_of(self, func: Func, _stack=None) -> list:
        """The function's events with calls to module functions inlined at the call site.

        An inlined event is reported at the call site (its node becomes the call) and the
        values it depends on are re-read there when they are the helper's parameters:
        ``_set_balance(user, bal + amount)`` is a credit of ``amount`` in the caller."""
        stack = _stack or frozenset()
        key = (func.name, stack)
        if key in self._inlined:
            return self._inlined[key]
        if func.name in stack:
            return []
        inner = stack | {func.name}
        out = []
        for ev in func.events:
            if isinstance(ev, SelfCall):
                callee = self.funcs.get(ev.name)
                if callee is not None:
                    binding = _bind(callee, ev.node, ev.method_call)
                    for sub in self.events_of(callee, inner):
                        changes = _rebind(sub, binding, func.facts) if binding else {}
                        if ev.path and not changes.get("path", sub.path):
                            changes["path"] = ev.path
                        owner = func if binding and changes else sub.owner
                        out.append(replace(sub, node=ev.node, order=ev.order + sub.order,
                                           owner=owner, **changes))
                continue
            out.append(ev)
        self._inlined[key] = out
        return out


def _bind(callee: Func, call: ast.Call, method_call: bool) -> dict:
    """Callee parameter name -> argument node at this call site (given arguments only)."""
    params = [a.arg for a in callee.node.args.posonlyargs + callee.node.args.args]
    if method_call and params and params[0] == "self":
        params = params[1:]
    out = {}
    for name, value in zip(params, call.args):
        if isinstance(value, ast.Starred):
            break
        out[name] = value
    for kw in call.keywords:
        if kw.arg:
            out[kw.arg] = kw.value
    return out


def _unwrap(node):
    while isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.func, ast.Name) \
            and node.func.id in ("str", "int"):
        node = node.args[0]
    return node


def _field_names(cls) -> frozenset:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(f.name for f in fields(cls))
    return names


_FIELDS: dict = {}


def _rebind(ev: Event, binding: dict, facts: "_FuncFacts") -> dict:
    """The changes to the event's fields with the helper's parameters replaced by the caller's
    arguments (empty when nothing depends on them)."""
    names = _field_names(type(ev))

    def get(k):
        return new[k] if k in new else (getattr(ev, k) if k in names else None)

    def bound(node):
        node = _unwrap(node) if node is not None else None
        if isinstance(node, ast.Name) and node.id in binding:
            return binding[node.id]
        return None

    new: dict = {}
    is_write = isinstance(ev, Write)
    if is_write:
        arg = bound(ev.value)
        if arg is not None:
            if not ev.fixed_op:
                new["op"] = facts._value_op(arg)
            new["deposit"] = facts.has(arg, "deposit")
            new["value"] = arg
        arg = bound(ev.key_node)
        if arg is not None:
            new["key"], new["key_node"] = facts._str(arg), arg
    elif isinstance(ev, (CallExt, Callback, Transfer)):
        arg = bound(get("method_node"))
        if arg is not None:
            new["method"], new["method_node"] = facts._str(arg), arg
        arg = bound(get("gas_node"))
        if arg is not None:
            new["gas"], new["gas_node"], new["explicit"] = facts._int(arg), arg, True
            new["dynamic"] = new["gas"] is None and facts.has(arg, "gasleft")
        account = get("account")
        arg = bound(account)
        if arg is not None:
            new["account"], new["to_pred"] = arg, facts.has(arg, "pred")
            if isinstance(ev, CallExt):
                new.update(facts._receiver(arg))
        elif isinstance(ev, CallExt) and account is not None:
            # a helper's receiver built from its parameters: chosen by the caller when the
            # arguments bound to them are
            used = {n.id for n in walk(account) if isinstance(n, ast.Name) and n.id in binding}
            if used:
                user = any(facts.has(binding[n], "param") or facts.has(binding[n], "pred")
                           for n in used)
                if user != ev.user_recv:
                    new["user_recv"] = user
        arg = bound(get("args_node"))
        if arg is not None:
            new["args_node"] = arg
        arg = bound(get("amount"))
        if arg is not None:
            new["amount"], new["nonzero"] = arg, facts._nonzero(arg)
            new["fwd"] = facts.has(arg, "deposit")
    # a parameter used inside a larger expression (``bal + amount``): its category flows in
    for slot, flag, cat in (("value", "deposit", "deposit"), ("amount", "fwd", "deposit"),
                            ("account", "to_pred", "pred")):
        if is_write != (slot == "value"):
            continue
        expr = get(slot)
        if expr is None or get(flag):
            continue
        used = {n.id for n in walk(expr) if isinstance(n, ast.Name) and n.id in binding}
        if any(facts.has(binding[n], cat) for n in used):
            new[flag] = True
    return {k: v for k, v in new.items() if k in names}


def _flip(p):
    return {"success": "failure", "failure": "success"}.get(p)


def _terminates(stmts) -> bool:
    """Does this block always leave the function (return, raise, host panic)?"""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    return isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and \
        isinstance(last.value.func, ast.Attribute) and last.value.func.attr in (
            "panic_utf8", "panic", "abort")


def _is_broad_handler(h: ast.ExceptHandler) -> bool:
    if h.type is None:
        return True
    names = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
    return any(isinstance(n, ast.Name) and n.id in ("Exception", "BaseException") for n in names)


class _FuncFacts(ast.NodeVisitor):
    """Walks one function body in source order and records its events."""

    def __init__(self, module: Module, func: Func | None):
        self.m = module
        self.imp = module.imports
        self.func = func
        self.events: list[Event] = []
        self.taint: dict[str, set] = {k: set() for k in SOURCES}
        self.status_names: set = set()   # status of a promise result (1 success, 2 failure)
        self.ok_names: set = set()       # truthy when the promise result succeeded
        self.path = None                 # "success"/"failure" branch of a result test
        self.name_op: dict[str, str] = {}
        self.name_chain: dict[str, Chain] = {}
        self.memo: dict[int, Chain | None] = {}
        self.defaults = {}
        # init guards matter only in an init (or a helper an init may call)
        self._in_init = func is None or func.kind in ("init", None)
        if func is not None:
            a = func.node.args
            pos = a.posonlyargs + a.args
            for p, d in zip(pos[len(pos) - len(a.defaults):], a.defaults):
                self.defaults[p.arg] = d
            for p, d in zip(a.kwonlyargs, a.kw_defaults):
                if d is not None:
                    self.defaults[p.arg] = d
            names = [p.arg for p in pos + a.kwonlyargs]
            if names and names[0] == "self":
                names = names[1:]
            # a callback's first parameter is the callee's answer (near_safe and near-sdk-py)
            if names and func.kind in ("callback", "multi_callback") \
                    and func.origin in ("near_safe", "near_sdk_py"):
                self.taint["result"].add(names[0])
                names = names[1:]
            self.taint["param"].update(names)
            for extra in (a.vararg, a.kwarg):
                if extra is not None:
                    self.taint["param"].add(extra.arg)
        self.op_names: set = set()  # names bound to near_safe's operation()
        self._callees: set = set()  # ids of nodes called (``x.account_balance()``'s x.attr)
        self.guarded = 0       # inside try: with a broad handler
        self.access = 0        # inside an if testing predecessor/current/results_count

    # ------------------------------------------------------------ driver
    def run(self) -> list:
        node = self.func.node
        self._taint_pass(node)
        self._block(node.body)
        return self.events

    def _emit(self, cls, node, **data):
        # the index in the list is the evaluation order (arguments before the call)
        self.events.append(cls(node=node, path=self.path, order=(len(self.events),),
                               owner=self.func, **data))

    # ------------------------------------------------------------ success/failure paths
    def _block(self, stmts):
        """Visit statements; after ``if <result failed>: ...; return`` the rest of the block
        is the other path."""
        saved = self.path
        for stmt in stmts:
            self.visit(stmt)
            if isinstance(stmt, ast.If) and self.path is None:
                p = self._polarity(stmt.test)
                if p is not None and _terminates(stmt.body):
                    self.path = _flip(p)
                elif p is not None and stmt.orelse and _terminates(stmt.orelse):
                    self.path = p
        self.path = saved

    def _polarity(self, t):
        """'success' / 'failure' when the test checks the promise result, else None."""
        if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not):
            return _flip(self._polarity(t.operand))
        if isinstance(t, ast.Compare) and len(t.ops) == 1:
            left, right, op = t.left, t.comparators[0], t.ops[0]
            if isinstance(left, ast.Constant):
                left, right = right, left
            if isinstance(right, ast.Constant) and self._is_status(left) \
                    and isinstance(op, (ast.Eq, ast.NotEq)) and right.value in (0, 1, 2):
                eq = "success" if right.value == 1 else "failure"
                return eq if isinstance(op, ast.Eq) else _flip(eq)
            if isinstance(right, ast.Constant) and isinstance(right.value, bool) \
                    and isinstance(op, (ast.Eq, ast.Is, ast.NotEq, ast.IsNot)):
                p = self._polarity(left)
                positive = right.value == isinstance(op, (ast.Eq, ast.Is))
                return p if positive else _flip(p)
            return None
        if isinstance(t, ast.Attribute) and t.attr in SUCCESS_ATTRS:
            return "success"
        if isinstance(t, ast.Name) and t.id in self.ok_names:
            return "success"
        if isinstance(t, ast.Call):
            if isinstance(t.func, ast.Attribute) and t.func.attr in SUCCESS_ATTRS:
                return "success"
            name = t.func.attr if isinstance(t.func, ast.Attribute) else getattr(t.func, "id", None)
            f = self.m.funcs.get(name or "")
            if f is not None and f is not self.func and any(
                    isinstance(ev, ResultRead) for ev in f.events):
                return "failure" if "fail" in f.name else "success"
        return None

    def _is_status(self, node) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.status_names
        if isinstance(node, ast.Attribute):
            return node.attr in ("status_code", "status")
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call):
            return call_name(self.imp, node.value) == "near.promise_result"
        return False

    # ------------------------------------------------------------ values
    def _source(self, node, cat) -> bool:
        if isinstance(node, (ast.Call, ast.Attribute)):
            target = node.func if isinstance(node, ast.Call) else node
            q = self.imp.qualify(target)
            if q:
                parts = q.split(".")
                if parts[-1] in SOURCES[cat] and (parts[0] in SOURCE_ROOTS or cat == "balance"):
                    return True
        if cat == "big":
            if isinstance(node, ast.Constant) and isinstance(node.value, int) \
                    and not isinstance(node.value, bool) and abs(node.value) > BIG:
                return True
            q = self.imp.qualify(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
            if q == "near_sdk_py.ONE_NEAR":
                return True
        return False

    def has(self, expr, cat) -> bool:
        """Does the value of ``expr`` come from a value of this category (deposit, pred,
        current, big)?  Values flow through names, arithmetic, int()/str()/min()/max() and
        f-strings; not through storage reads or other calls (a balance read under the
        caller's key is not the caller)."""
        if expr is None:
            return False
        if self._source(expr, cat):
            return True
        if isinstance(expr, ast.Name):
            return expr.id in self.taint[cat]
        if cat in _CONTAINER_CATS:
            if isinstance(expr, (ast.Attribute, ast.Subscript)):
                return self.has(expr.value, cat)
            if isinstance(expr, ast.Call) and expr.args and (
                    call_name(self.imp, expr) in ("json.loads", "near_sdk_py.Input.json")):
                return self.has(expr.args[0], cat)
            if cat == "param" and isinstance(expr, ast.Call) and \
                    (call_name(self.imp, expr) or "").startswith("near_sdk_py.Input."):
                return True
            if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) \
                    and expr.func.attr == "get":  # args.get("receiver")
                return self.has(expr.func.value, cat)
        if isinstance(expr, ast.BinOp):
            return self.has(expr.left, cat) or self.has(expr.right, cat)
        if isinstance(expr, ast.UnaryOp):
            return self.has(expr.operand, cat)
        if isinstance(expr, ast.IfExp):
            return self.has(expr.body, cat) or self.has(expr.orelse, cat)
        if isinstance(expr, ast.BoolOp):
            return any(self.has(v, cat) for v in expr.values)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) \
                and expr.func.id in ("int", "str", "abs", "min", "max"):
            if cat == "big" and expr.func.id == "str":
                return False
            return any(self.has(a, cat) for a in expr.args)
        if isinstance(expr, ast.JoinedStr) and cat != "big":
            return any(self.has(v.value, cat) for v in expr.values
                       if isinstance(v, ast.FormattedValue))
        return False

    def big_value(self, expr) -> bool:
        """Is this expression itself a (possibly > 2^53) integer amount, not a string of one?"""
        return self.has(expr, "big")

    def _taint_pass(self, fnode):
        assigns = []
        spelled = set()  # every name and attribute the body mentions
        for n in walk(fnode):
            if isinstance(n, ast.Attribute):
                spelled.add(n.attr)
            elif isinstance(n, ast.Name):
                spelled.add(n.id)
            if isinstance(n, ast.Assign):
                assigns.append((n.targets, n.value))
            elif isinstance(n, ast.AnnAssign) and n.value is not None:
                assigns.append(([n.target], n.value))
            elif isinstance(n, ast.AugAssign):
                assigns.append(([n.target], n.value))
            elif isinstance(n, (ast.For, ast.comprehension)):
                # each item of a caller-chosen list is caller-chosen
                targets = n.target.elts if isinstance(n.target, ast.Tuple) else [n.target]
                assigns.append((targets, n.iter))
        # a category can flow only if the body names one of its sources or it has seeds
        # (has() is False for every value otherwise): skipping the others changes nothing
        cats = [c for c in SOURCES if self.taint[c] or c in ("big", "param")
                or not SOURCES[c].isdisjoint(spelled)]
        for _ in range(3):
            changed = False
            for targets, value in assigns:
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if not names:
                    continue
                for cat in cats:
                    tainted = self.taint[cat]
                    if all(nm in tainted for nm in names):
                        continue  # nothing to learn: has() is skipped, the result is the same
                    if self.has(value, cat):
                        for nm in names:
                            if nm not in self.taint[cat]:
                                self.taint[cat].add(nm)
                                changed = True
            if not changed:
                break
        for targets, value in assigns:
            if isinstance(value, ast.Call) and call_name(self.imp, value) == "near.promise_result":
                for t in targets:
                    if isinstance(t, ast.Tuple) and t.elts and isinstance(t.elts[0], ast.Name):
                        self.status_names.add(t.elts[0].id)
            if isinstance(value, ast.Subscript) and self._is_status(value):
                self.status_names.update(t.id for t in targets if isinstance(t, ast.Name))
            if isinstance(value, ast.Attribute) and value.attr in SUCCESS_ATTRS:
                self.ok_names.update(t.id for t in targets if isinstance(t, ast.Name))
            if self._is_operation(value):
                self.op_names.update(t.id for t in targets if isinstance(t, ast.Name))
            op = self._value_op(value)
            if op != "set":
                for t in targets:
                    if isinstance(t, ast.Name):
                        self.name_op[t.id] = op

    def _value_op(self, value) -> str:
        while isinstance(value, ast.Call) and len(value.args) == 1 and (
                (isinstance(value.func, ast.Name) and value.func.id in ("str", "int"))
                or self.imp.qualify(value.func) == "json.dumps"):
            value = value.args[0]
        if isinstance(value, ast.BinOp):
            if isinstance(value.op, ast.Add):
                return "credit"
            if isinstance(value.op, ast.Sub):
                return "debit"
        if isinstance(value, ast.Name):
            return self.name_op.get(value.id, "set")
        return "set"

    def _int(self, node):
        """Constant value of ``node``; a parameter counts as its constant default."""
        if isinstance(node, ast.Name) and node.id in self.defaults:
            node = self.defaults[node.id]
        return const_int(node, self.imp, self.m.constants, self.m.gas_consts)

    def _str(self, node):
        return const_str(node, self.m.constants)

    def _is_local(self, name) -> bool:
        return name is not None and name in self.m.funcs

    # ------------------------------------------------------------ statements
    def visit_FunctionDef(self, node):  # nested functions are not followed
        return None

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Try(self, node):
        broad = any(_is_broad_handler(h) for h in node.handlers)
        self.guarded += broad
        self._block(node.body)
        self.guarded -= broad
        for h in node.handlers:
            self._block(h.body)
        self._block(node.orelse)
        self._block(node.finalbody)

    def _mentions_access(self, expr) -> bool:
        """Does a test check who or what invoked the method (caller, deposit, being a callback)?
        Panicking on such a check is allowed in a callback: a genuine callback never fails it."""
        for n in walk(expr):
            if self.has(n, "pred") or self.has(n, "current") or self.has(n, "deposit"):
                return True
            if isinstance(n, ast.Call) and call_name(self.imp, n) == "near.promise_results_count":
                return True
        return False

    def _reads_storage(self, expr) -> bool:
        for n in walk(expr):
            if isinstance(n, ast.Call):
                q = call_name(self.imp, n) or ""
                if q in STORAGE_READS:
                    return True
                if isinstance(n.func, ast.Attribute):
                    owner = self.imp.qualify(n.func.value)
                    if (owner == "self.storage" or owner in self.m.collections) \
                            and n.func.attr in COLL_READS | {"__contains__"}:
                        return True
                if isinstance(n.func, ast.Name) and n.func.id == "len" and n.args \
                        and self.imp.qualify(n.args[0]) in self.m.collections:
                    return True
            if isinstance(n, ast.Subscript) and self._container(n.value):
                return True
            if isinstance(n, ast.Compare) and any(self._container(c) for c in n.comparators):
                return True
        return False

    def visit_If(self, node):
        self.visit(node.test)
        access = self._mentions_access(node.test)
        if self._in_init and self._reads_storage(node.test) and any(
                isinstance(n, (ast.Raise, ast.Return)) or
                (isinstance(n, ast.Call) and call_name(self.imp, n) in HOST_PANICS)
                for s in node.body for n in walk(s)):
            self._emit(InitGuard, node)
        self.access += access
        p = self._polarity(node.test) if self.path is None else None
        saved = self.path
        if p is not None:
            self.path = p
        self._block(node.body)
        if p is not None:
            self.path = _flip(p)
        self._block(node.orelse)
        self.path = saved
        self.access -= access

    def visit_Assert(self, node):
        if self._in_init and self._reads_storage(node.test):
            self._emit(InitGuard, node)
        self.visit(node.test)
        if self._mentions_access(node.test):
            return
        self._emit(Panic, node, how="assert", guarded=bool(self.guarded),
                   access=bool(self.access))

    def visit_Raise(self, node):
        self._emit(Panic, node, how="raise", guarded=bool(self.guarded), access=bool(self.access))
        self.generic_visit(node)

    def visit_Return(self, node):
        if node.value is not None:
            self.visit(node.value)
            self._emit(JsonOut, node.value, via="return")

    def _container(self, node) -> str | None:
        q = self.imp.qualify(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if q == "self.storage":
            return "storage"
        if q in self.m.collections:
            return q
        return None

    def _write(self, node, container, key, value, op=None):
        fixed = op is not None
        if op is None:
            op = self._value_op(value) if value is not None else "set"
        self._emit(Write, node, container=container, key=self._str(key), key_node=key,
                   value=value, op=op, fixed_op=fixed, deposit=self.has(value, "deposit"))

    def visit_Assign(self, node):
        self.visit(node.value)
        for t in node.targets:
            if isinstance(t, ast.Subscript):
                c = self._container(t.value)
                if c:
                    self._write(t, c, t.slice, node.value)
                self.visit(t.slice)
                continue
            if isinstance(t, ast.Name):
                chain = self.memo.get(id(node.value))
                if chain is not None:
                    self.name_chain[t.id] = chain
            if isinstance(t, ast.Attribute) and t.attr in OP_FIELDS and self._is_operation(t.value):
                self._emit(OpAdjust, t, field=t.attr, value=node.value)
            self.visit(t)

    def _is_operation(self, node) -> bool:
        """``operation()`` or a name bound to it."""
        if isinstance(node, ast.Name):
            return node.id in self.op_names
        return isinstance(node, ast.Call) and call_name(self.imp, node) == "near_safe.operation"

    def visit_AugAssign(self, node):
        self.visit(node.value)
        t = node.target
        if isinstance(t, ast.Attribute) and t.attr in OP_FIELDS and self._is_operation(t.value):
            # op.refund -= x: the new amount is the old one combined with x
            self._emit(OpAdjust, t, field=t.attr,
                       value=ast.copy_location(ast.BinOp(t, node.op, node.value), node))
        if isinstance(t, ast.Subscript):
            c = self._container(t.value)
            if c:
                op = {ast.Add: "credit", ast.Sub: "debit"}.get(type(node.op), "set")
                self._write(t, c, t.slice, node.value, op)
                self._emit(Read, t, container=c, key=self._str(t.slice))
            self.visit(t.slice)

    def visit_Delete(self, node):
        for t in node.targets:
            if isinstance(t, ast.Subscript):
                c = self._container(t.value)
                if c:
                    self._write(t, c, t.slice, None, "remove")
            self.generic_visit(t)

    def visit_Subscript(self, node):
        c = self._container(node.value)
        if c and isinstance(node.ctx, ast.Load):
            self._emit(Read, node, container=c, key=self._str(node.slice))
        self.generic_visit(node)

    def visit_Compare(self, node):
        sides = [node.left, *node.comparators]
        preds = [self.has(s, "pred") for s in sides]
        currents = [self.has(s, "current") for s in sides]
        # `user in self.balances`: a lookup in a map keyed by account, not a privilege check
        lookup = any(isinstance(op, (ast.In, ast.NotIn)) and self._container(right)
                     for op, right in zip(node.ops, node.comparators))
        if any(preds) and not lookup:
            if any(c and not p for c, p in zip(currents, preds)):
                self._emit(PrivateCheck, node)
            else:
                self._emit(OwnerCheck, node)
        if any(self.has(s, "deposit") for s in sides) and any(
                isinstance(s, ast.Constant) and s.value == 1 for s in sides):
            self._emit(OneYoctoCheck, node)
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                c = self._container(right)
                if c:
                    self._emit(Read, node, container=c, key=self._str(node.left))
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if self._source(node, "deposit"):
            self._emit(DepositRead, node)
        elif id(node) not in self._callees and self._source(node, "balance"):
            self._emit(BalanceRead, node)  # self.account_balance (a property)
        self.generic_visit(node)

    # ------------------------------------------------------------ calls
    def visit_Call(self, node):
        self._callees.add(id(node.func))
        self.generic_visit(node)  # arguments are evaluated before the call
        self.chain_of(node)
        q = call_name(self.imp, node) or ""
        last = q.rsplit(".", 1)[-1]
        if self._source(node, "deposit"):
            self._emit(DepositRead, node)
        if q in RESULT_READS:
            self._emit(ResultRead, node)
        if self._source(node, "balance"):
            self._emit(BalanceRead, node)
        if q.startswith("near.promise_"):
            self._emit(RawPromise, node, name=q)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "set_ok" \
                and self._is_operation(node.func.value):
            self._emit(OpAdjust, node, field="ok", value=self._arg(node, 0, "ok"))
        if q in HOST_PANICS:
            self._emit(Panic, node, how="host", guarded=False, access=bool(self.access))
        elif q in SIGNATURES and any(
                self.has(self._p(node, q, name), "result")
                for name in HOST_CHECKED_PARAMS if name in SIGNATURES[q]):
            # an account id or amount the callee chose: a bad one is a host panic
            self._emit(Panic, node, how="host_account", guarded=False,
                       access=bool(self.access))
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "unwrap":
            self._emit(Panic, node, how="unwrap", guarded=bool(self.guarded),
                       access=bool(self.access))
        if q.startswith("self.") and last in ("assert_one_yocto", "assert_owner",
                                              "assert_min_deposit") and last not in self.m.funcs:
            self._emit(Panic, node, how="raise", guarded=bool(self.guarded),
                       access=bool(self.access))
            if last == "assert_one_yocto":
                self._emit(OneYoctoCheck, node)
                self._emit(DepositRead, node)
            elif last == "assert_owner":
                self._emit(OwnerCheck, node)
            else:
                self._emit(DepositRead, node)
        # module-level helpers and self.<method>(...) are inlined by Module.events_of
        if isinstance(node.func, ast.Name) and node.func.id in self.m.funcs \
                and self.m.funcs[node.func.id].cls is None:
            self._emit(SelfCall, node, name=node.func.id, method_call=False)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "self" and node.func.attr in self.m.funcs:
            self._emit(SelfCall, node, name=node.func.attr, method_call=True)
        # storage
        if q in STORAGE_WRITES:
            key = node.args[0] if node.args else None
            value = node.args[1] if len(node.args) > 1 else None
            op = "remove" if STORAGE_WRITES[q] == "remove" else None
            self._write(node, "storage", key, value, op)
        elif q in STORAGE_READS:
            self._emit(Read, node, container="storage",
                       key=self._str(node.args[0]) if node.args else None)
        elif isinstance(node.func, ast.Attribute):
            c = self._container(node.func.value)
            attr = node.func.attr
            if c:
                key = node.args[0] if node.args else None
                if c == "storage" and attr in ("set", "delete"):
                    self._write(node, c, key, node.args[1] if len(node.args) > 1 else None,
                                "remove" if attr == "delete" else None)
                elif c != "storage" and attr in COLL_KEYED_WRITES:
                    value = node.args[1] if len(node.args) > 1 else None
                    self._write(node, c, key, value,
                                "set" if attr in ("set", "insert") else "remove")
                elif c != "storage" and attr in COLL_UNKEYED_WRITES:
                    self._write(node, c, None, None, "set")
                elif attr in COLL_READS | {"get"}:
                    self._emit(Read, node, container=c, key=self._str(key))
        # JSON outputs
        if q in ("json.dumps", "near_sdk_py.ValueReturn.json") and node.args:
            self._emit(JsonOut, node.args[0], via=q)
        if q in NEAR_SAFE_STATE:
            self._near_safe_state(node, NEAR_SAFE_STATE[q])
        if q.startswith("near_safe.") and q.rsplit(".", 1)[-1] not in EXPORT_KINDS \
                and q not in NEAR_SAFE_STATE:
            self._emit(NearSafeCall, node, name=q)

    def _near_safe_state(self, node, what):
        """near_safe's ``state`` module: plain keys and integer ledgers."""
        arg = self._arg
        if what == "set":
            self._write(node, "storage", arg(node, 0, "key"), arg(node, 1, "value"))
        elif what == "remove":
            self._write(node, "storage", arg(node, 0, "key"), None, "remove")
        else:  # credit / debit (ledger, account, amount): the amount is what moves
            amount = arg(node, 2, "amount")
            self._emit(Write, node, container="ledger", key=None, key_node=None,
                       value=amount, op=what, fixed_op=True, deposit=self.has(amount, "deposit"),
                       ledger=self._str(arg(node, 0, "ledger")))

    def _arg(self, call, pos, kw):
        for k in call.keywords:
            if k.arg == kw:
                return k.value
        if len(call.args) > pos and not any(isinstance(a, ast.Starred)
                                            for a in call.args[:pos + 1]):
            return call.args[pos]
        return None

    def _is_current(self, expr) -> bool:
        return self.has(expr, "current")

    def _kw_outputs(self, call, record):
        if not record:
            return
        for k in call.keywords:
            if k.arg is not None:
                self._emit(JsonOut, k.value, via="kwargs")

    def chain_of(self, node, record=True) -> Chain | None:
        """The promise-API object an expression denotes; records the events its call makes."""
        if isinstance(node, ast.Name):
            return self.name_chain.get(node.id)
        if isinstance(node, ast.Attribute):
            q = self.imp.qualify(node)
            return self.m.attr_chains.get(q) if q else None
        if not isinstance(node, ast.Call):
            return None
        if id(node) in self.memo:
            return self.memo[id(node)]
        self.memo[id(node)] = None
        result = self._chain_call(node, record)
        self.memo[id(node)] = result
        return result

    def _call_ext(self, emit, node, method_node, amount, gas_node, gas=None, account=None,
                  args=None, safe=None, refund_managed=False):
        emit(CallExt, node, method=self._str(method_node), method_node=method_node,
             amount=amount, nonzero=self._nonzero(amount), fwd=self.has(amount, "deposit"),
             gas=self._int(gas_node) if gas_node is not None else gas, gas_node=gas_node,
             account=account, args_node=args, safe=safe, refund_managed=refund_managed,
             **self._receiver(account))

    def _receiver(self, account) -> dict:
        """Who the receiver is: this contract (``to_self``), or chosen by the caller
        (``user_recv``: the method's arguments or the caller itself)."""
        return {"to_self": self.has(account, "current"),
                "user_recv": self.has(account, "param") or self.has(account, "pred")}

    def _callback(self, emit, node, method_node, gas, explicit, gas_node=None, args=None,
                  safe=None):
        emit(Callback, node, method=self._str(method_node), method_node=method_node,
             gas=gas, explicit=explicit, gas_node=gas_node,
             dynamic=gas is None and self.has(gas_node, "gasleft"), args_node=args, safe=safe)

    def _transfer(self, emit, node, batch, amount):
        account = batch.account if batch is not None else None
        emit(Transfer, node, amount=amount, account=account,
             to_pred=self.has(account, "pred"))

    def _nonzero(self, amount) -> bool:
        return amount is not None and self._int(amount) != 0

    def _gas(self, expr, default):
        if expr is None:
            return default, False
        return self._int(expr), True

    def _chain_call(self, node, record) -> Chain | None:
        """Dispatch: a function of the promise API by its qualified name, else a method called
        on a promise-API object by (object type, method name)."""
        emit = self._emit if record else _no_emit
        q = call_name(self.imp, node) or ""
        handler = _CALL_HANDLERS.get(q)
        if handler is not None:
            return handler(self, node, emit, record)
        if not isinstance(node.func, ast.Attribute):
            return None
        recv = self.chain_of(node.func.value, record)
        meth = node.func.attr
        if recv is None:
            first = node.args[0] if node.args else None
            if meth == "then" and self._is_local(self._str(first)):
                self._callback(emit, node, first, None, False)
                self._kw_outputs(node, record)
                return Chain("promise", DEFAULT_PROMISE_GAS, False)
            return None
        handler = _METHOD_HANDLERS.get((recv.type, meth))
        if handler is not None:
            return handler(self, node, emit, record, recv)
        if meth == "value":
            return None
        return recv if recv.type in _BATCH_TYPES else None

    def _p(self, node, fn, name):
        """Argument ``name`` of a call to ``fn`` (a key of SIGNATURES), by keyword or position."""
        return self._arg(node, SIGNATURES[fn].index(name), name)

    def _safe_arg(self, node, name):
        """Argument ``name`` of a ``safe_call`` call, as its signature accepts it."""
        pos = safe_call_params().get(name)
        if pos is None:
            for k in node.keywords:
                if k.arg == name:
                    return k.value
            return None
        return self._arg(node, pos, name)

    # -- functions of the promise API, by qualified name
    def _h_cross_contract(self, node, emit, record):
        gas, explicit = self._gas(self._p(node, "CrossContract", "gas"), DEFAULT_CROSS_GAS)
        return Chain("cc", gas, explicit, self._p(node, "CrossContract", "deposit"),
                     account=self._p(node, "CrossContract", "account_id"))

    def _h_create_batch(self, node, emit, record):
        return Chain("batch", DEFAULT_PROMISE_GAS, False,
                     account=self._p(node, "Promise.create_batch", "account_id"))

    def _h_promise(self, node, emit, record):
        gas, explicit = self._gas(self._p(node, "Promise", "gas"), DEFAULT_PROMISE_GAS)
        return Chain("promise", gas, explicit, self._p(node, "Promise", "deposit"))

    def _h_promise_create(self, node, emit, record):
        a = functools.partial(self._p, node, "near.promise_create")
        self._call_ext(emit, node, a("function_name"), a("amount"), a("gas"),
                       account=a("account_id"), args=a("arguments"))
        return Chain("raw")

    def _h_promise_then(self, node, emit, record):
        a = functools.partial(self._p, node, "near.promise_then")
        mnode = a("function_name")
        # a callback when the receiver is this contract (a local method of the same name
        # on another account, e.g. a proxy's deposit_and_stake, is an external call)
        if self._is_current(a("account_id")):
            gas, explicit = self._gas(a("gas"), None)
            self._callback(emit, node, mnode, gas, explicit, a("gas"), args=a("arguments"))
        else:
            self._call_ext(emit, node, mnode, a("amount"), a("gas"), account=a("account_id"),
                           args=a("arguments"))
        return Chain("raw")

    def _h_promise_and(self, node, emit, record):
        return Chain("raw")

    def _h_safe_call(self, node, emit, record):
        a = functools.partial(self._safe_arg, node)
        safe = {name: a(name) for name in SAFE_CALL_OPTIONS}
        safe = {k: v for k, v in safe.items() if v is not None and not (
            isinstance(v, ast.Constant) and v.value in (None, 0, False))}
        refund = a("refund")
        self._call_ext(emit, node, a("function"), a("deposit"), a("gas"), account=a("receiver"),
                       args=a("args"), safe=safe,
                       refund_managed=refund is not None and self._int(refund) != 0)
        gas_node = a("callback_gas")
        gas = self._int(gas_node) if gas_node is not None else \
            self.m.gas_consts.get("near_safe.CALLBACK_GAS")
        self._callback(emit, node, a("then"), gas, True, gas_node, args=a("then_args"),
                       safe=safe)
        return Chain("raw")

    def _h_batch_create(self, node, emit, record):
        return Chain("raw_batch", account=self._p(node, "near.promise_batch_create", "account_id"))

    def _h_batch_then(self, node, emit, record):
        account = self._p(node, "near.promise_batch_then", "account_id")
        return Chain("raw_then_batch", to_self=self._is_current(account), account=account)

    def _h_batch_function_call(self, node, emit, record):
        a = functools.partial(self._p, node, "near.promise_batch_action_function_call")
        batch = self.chain_of(a("promise_index"), record)
        mnode = a("function_name")
        method = self._str(mnode)
        if (batch is not None and batch.type == "raw_then_batch" and batch.to_self) or (
                batch is None and self._is_local(method)):
            gas, explicit = self._gas(a("gas"), None)
            self._callback(emit, node, mnode, gas, explicit, a("gas"), args=a("arguments"))
        else:
            self._call_ext(emit, node, mnode, a("amount"), a("gas"),
                           account=batch.account if batch is not None else None,
                           args=a("arguments"))
        return batch

    def _h_batch_transfer(self, node, emit, record):
        a = functools.partial(self._p, node, "near.promise_batch_action_transfer")
        batch = self.chain_of(a("promise_index"), record)
        self._transfer(emit, node, batch, a("amount"))
        return batch

    # -- methods of promise-API objects, by (object type, method)
    def _m_gas(self, node, emit, record, recv):
        gas, _ = self._gas(self._arg(node, 0, "amount"), None)
        return Chain(recv.type, gas, True, recv.deposit, account=recv.account)

    def _m_deposit(self, node, emit, record, recv):
        return Chain(recv.type, recv.gas, recv.gas_explicit, self._arg(node, 0, "amount"),
                     account=recv.account)

    def _m_cc_call(self, node, emit, record, recv):
        self._call_ext(emit, node, self._arg(node, 0, "method"), recv.deposit, None, recv.gas,
                       account=recv.account)
        self._kw_outputs(node, record)
        return Chain("promise", recv.gas, recv.gas_explicit)

    def _m_cc_batch(self, node, emit, record, recv):
        return Chain("batch", recv.gas, recv.gas_explicit, account=recv.account)

    def _m_then(self, node, emit, record, recv):
        self._callback(emit, node, self._arg(node, 0, "method"), recv.gas, recv.gas_explicit)
        self._kw_outputs(node, record)
        return Chain("promise", DEFAULT_PROMISE_GAS, False)

    def _m_join(self, node, emit, record, recv):
        self._callback(emit, node, self._arg(node, 1, "callback"), recv.gas, recv.gas_explicit)
        self._kw_outputs(node, record)
        return Chain("promise", DEFAULT_PROMISE_GAS, False)

    def _m_then_call(self, node, emit, record, recv):
        self._call_ext(emit, node, self._arg(node, 1, "method"), recv.deposit, None, recv.gas)
        self._kw_outputs(node, record)
        return Chain("promise", DEFAULT_PROMISE_GAS, False)

    def _m_then_batch(self, node, emit, record, recv):
        account = self._arg(node, 0, "account_id")
        return Chain("then_batch", recv.gas, recv.gas_explicit,
                     to_self=self._is_current(account), account=account)

    def _m_function_call(self, node, emit, record, recv):
        arg = self._arg
        mnode = arg(node, 0, "method")
        args = arg(node, 1, "args")
        if record and args is not None:
            self._emit(JsonOut, args, via="args")
        gas_node = arg(node, 3, "gas")
        if recv.type == "then_batch" and recv.to_self:
            gas, explicit = self._gas(gas_node, recv.gas)
            explicit = explicit or recv.gas_explicit  # the batch's gas was set by the caller
            self._callback(emit, node, mnode, gas, explicit, gas_node)
        else:
            self._call_ext(emit, node, mnode, arg(node, 2, "amount"), gas_node, recv.gas,
                           account=recv.account, args=args)
        return recv

    def _m_transfer(self, node, emit, record, recv):
        self._transfer(emit, node, recv, self._arg(node, 0, "amount"))
        return recv

    # -- near_safe's builders (contract/_promise.py): recorded until the chain ends, then
    #    emitted as safe_call's call with the chain's settle(...) options
    def _h_ns_cross_contract(self, node, emit, record):
        a = functools.partial(self._p, node, "CrossContract")
        return Chain("ns_cc", deposit=a("deposit"), account=a("account_id"),
                     call_gas=a("gas"))

    def _h_ns_create_batch(self, node, emit, record):
        return Chain("ns_batch", account=self._p(node, "Promise.create_batch", "account_id"))

    def _ns_legs(self, seq, record):
        """The legs of a list/tuple of builder chains (None when one is not known)."""
        if not isinstance(seq, (ast.List, ast.Tuple)):
            return None
        legs = ()
        for elt in seq.elts:
            c = self.chain_of(elt, record)
            if c is None or c.type not in ("ns_promise", "ns_batch"):
                return None
            legs += c.legs
        return legs

    def _h_ns_all(self, node, emit, record):
        legs = self._ns_legs(self._arg(node, 0, "promises"), record)
        return Chain("ns_promise", legs=legs or ())

    def _m_ns_cc_gas(self, node, emit, record, recv):
        return replace(recv, call_gas=self._arg(node, 0, "amount"))

    def _m_ns_cc_deposit(self, node, emit, record, recv):
        return replace(recv, deposit=self._arg(node, 0, "amount"))

    def _m_ns_cc_call(self, node, emit, record, recv):
        self._kw_outputs(node, record)
        leg = ("call", node, self._arg(node, 0, "method"), recv.deposit, recv.call_gas,
               recv.account, None)
        return Chain("ns_promise", legs=(leg,))

    def _m_ns_cc_batch(self, node, emit, record, recv):
        return Chain("ns_batch", account=recv.account, call_gas=recv.call_gas)

    def _m_ns_transfer(self, node, emit, record, recv):
        leg = ("transfer", node, None, self._arg(node, 0, "amount"), None, recv.account, None)
        return replace(recv, legs=recv.legs + (leg,))

    def _m_ns_function_call(self, node, emit, record, recv):
        arg = self._arg
        mnode, args, gas_node = arg(node, 0, "method"), arg(node, 1, "args"), arg(node, 3, "gas")
        if record and args is not None:
            self._emit(JsonOut, args, via="args")
        if recv.to_self:  # batch.then(this account).function_call(cb, args, 0, gas)
            return self._ns_end(node, emit, replace(recv, cb_gas=gas_node or recv.cb_gas),
                                recv.legs, mnode, args)
        leg = ("call", node, mnode, arg(node, 2, "amount"), gas_node or recv.call_gas,
               recv.account, args)
        return replace(recv, legs=recv.legs + (leg,))

    def _m_ns_gas(self, node, emit, record, recv):
        return replace(recv, cb_gas=self._arg(node, 0, "amount"))

    def _m_ns_settle(self, node, emit, record, recv):
        opts = {}
        for pos, name in enumerate(("refund", "credit", "debit", "lock", "claimable",
                                    "caller", "own_gas")):
            v = self._arg(node, pos, name)
            if v is not None and not (isinstance(v, ast.Constant)
                                      and v.value in (None, 0, False)):
                opts[name] = v
        return replace(recv, settle=opts)

    def _m_ns_then(self, node, emit, record, recv):
        first = self._arg(node, 0, "method")
        if recv.type == "ns_batch" and self._is_current(first):
            return replace(recv, to_self=True)  # near-sdk-py's then(this account)
        self._kw_outputs(node, record)
        return self._ns_end(node, emit, recv, recv.legs, first, None)

    def _m_ns_join(self, node, emit, record, recv):
        others = self._ns_legs(self._arg(node, 0, "others"), record)
        self._kw_outputs(node, record)
        return self._ns_end(node, emit, recv, recv.legs + (others or ()),
                            self._arg(node, 1, "callback"), None)

    def _m_ns_value(self, node, emit, record, recv):
        if recv.type == "ns_sent":
            return recv
        return self._ns_end(node, emit, recv, recv.legs, None, None)

    def _ns_end(self, node, emit, recv, legs, then, then_args):
        """The chain leaves here (then/join/value): each call as safe_call's, with the chain's
        settle(...) options; transfers as transfers; the callback with its reserved gas."""
        opts = dict(recv.settle or {})
        if then is not None:
            opts["then"] = then
        # a finding points at the step's argument (the line of ``.call("m")``, ``.transfer(n)``,
        # ``.then("cb")`` in a chain written over several lines), else at the step's call
        for kind, lnode, mnode, amount, gas_node, account, args in legs:
            if kind == "transfer":
                self._transfer(emit, amount if amount is not None else lnode,
                               Chain("ns_batch", account=account), amount)
                continue
            safe = dict(opts, receiver=account, function=mnode)
            if amount is not None and not (isinstance(amount, ast.Constant)
                                           and amount.value in (None, 0, False)):
                safe["deposit"] = amount
            safe = {k: v for k, v in safe.items() if v is not None}
            refund = opts.get("refund")
            self._call_ext(emit, mnode if mnode is not None else lnode, mnode, amount, gas_node,
                           self.m.gas_consts.get("near_safe.EXTERNAL_GAS"),
                           account=account, args=args, safe=safe,
                           refund_managed=refund is not None and self._int(refund) != 0)
        if then is not None:
            gas_node = recv.cb_gas
            gas = self._int(gas_node) if gas_node is not None else \
                self.m.gas_consts.get("near_safe.CALLBACK_GAS")
            self._callback(emit, then, then, gas, True, gas_node, args=then_args,
                           safe=dict(opts))
        return Chain("ns_sent")


def _no_emit(*args, **kwargs):
    return None


#: Parameter names of the promise API's functions, in order (near-sdk-py 1.0.0's source and
#: nearc's ``near`` module); safe_call's come from its own signature (see _api.py).
SIGNATURES = {
    "CrossContract": ("account_id", "gas", "deposit"),
    "Promise": ("promise_id", "gas", "deposit"),
    "Promise.create_batch": ("account_id",),
    "near.promise_create": ("account_id", "function_name", "arguments", "amount", "gas"),
    "near.promise_then": ("promise_index", "account_id", "function_name", "arguments", "amount",
                          "gas"),
    "near.promise_batch_create": ("account_id",),
    "near.promise_batch_then": ("promise_index", "account_id"),
    "near.promise_batch_action_function_call": ("promise_index", "function_name", "arguments",
                                                "amount", "gas"),
    "near.promise_batch_action_transfer": ("promise_index", "amount"),
}

_F = _FuncFacts
_CALL_HANDLERS = {
    "near_sdk_py.CrossContract": _F._h_cross_contract,
    "near_sdk_py.Promise.create_batch": _F._h_create_batch,
    "near_sdk_py.Promise": _F._h_promise,
    "near.promise_create": _F._h_promise_create,
    "near.promise_then": _F._h_promise_then,
    "near.promise_and": _F._h_promise_and,
    "near_safe.safe_call": _F._h_safe_call,
    "near_safe.CrossContract": _F._h_ns_cross_contract,
    "near_safe.Promise.create_batch": _F._h_ns_create_batch,
    "near_safe.Promise.all": _F._h_ns_all,
    "near.promise_batch_create": _F._h_batch_create,
    "near.promise_batch_then": _F._h_batch_then,
    "near.promise_batch_action_function_call": _F._h_batch_function_call,
    "near.promise_batch_action_function_call_weight": _F._h_batch_function_call,
    "near.promise_batch_action_transfer": _F._h_batch_transfer,
}
_METHOD_HANDLERS = {
    ("cc", "gas"): _F._m_gas, ("promise", "gas"): _F._m_gas,
    ("cc", "deposit"): _F._m_deposit, ("promise", "deposit"): _F._m_deposit,
    ("cc", "call"): _F._m_cc_call,
    ("cc", "batch"): _F._m_cc_batch,
    ("promise", "then"): _F._m_then,
    ("promise", "join"): _F._m_join,
    ("promise", "then_call"): _F._m_then_call,
    ("promise", "then_batch"): _F._m_then_batch,
    ("batch", "then"): _F._m_then_batch, ("then_batch", "then"): _F._m_then_batch,
    ("batch", "function_call"): _F._m_function_call,
    ("then_batch", "function_call"): _F._m_function_call,
    ("batch", "transfer"): _F._m_transfer, ("then_batch", "transfer"): _F._m_transfer,
}
_METHOD_HANDLERS.update({
    ("ns_cc", "gas"): _F._m_ns_cc_gas, ("ns_cc", "deposit"): _F._m_ns_cc_deposit,
    ("ns_cc", "call"): _F._m_ns_cc_call, ("ns_cc", "batch"): _F._m_ns_cc_batch,
    ("ns_batch", "transfer"): _F._m_ns_transfer,
    ("ns_batch", "function_call"): _F._m_ns_function_call,
})
for _t in ("ns_promise", "ns_batch"):
    _METHOD_HANDLERS.update({
        (_t, "gas"): _F._m_ns_gas, (_t, "settle"): _F._m_ns_settle, (_t, "then"): _F._m_ns_then,
        (_t, "join"): _F._m_ns_join, (_t, "value"): _F._m_ns_value})
_METHOD_HANDLERS[("ns_sent", "value")] = _F._m_ns_value
#: near_safe's builder types whose other methods (PromiseBatch's account actions) keep the chain
_NS_KEEP = {"ns_batch"}
_BATCH_TYPES = {"batch", "then_batch", "raw_batch", "raw_then_batch"} | _NS_KEEP
