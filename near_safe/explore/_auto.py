"""A Machine built from a folder of contracts, for ``near-safe explore FOLDER`` (CPython only).

The folder convention (docs/explorer.md, "The folder convention"):

* If the folder has ``explore.py``, its Machine subclasses are explored as written.
* Otherwise every top-level ``*.py`` that exports methods (nearc's decorators) is a contract,
  deployed at ``<stem>.near`` (``_`` becomes ``-``) with 50 NEAR.  ``new`` (if exported) is
  called by the contract itself; a parameter named after another contract's stem (or a word
  of it: ``pool`` for staking_pool.py) gets that contract's account id, ``owner``/``owner_id``
  the contract's own.
* Rules: every exported ``call`` method not named ``new`` or ``on_*`` (callbacks: the attacker
  tries those), called by alice.near or bob.near.  Arguments by name: ``amount``/``*_amount``
  -> 1 or 10 NEAR as a decimal string; ``account_id``, ``receiver_id``, ``user``, ``*_id`` ->
  a user.  A method whose body reads ``attached_deposit`` (or declared ``payable=True``) gets
  a deposit of 1 or 10 NEAR.  A method with any other parameter is left out (reported).
* Contracts are found as nearc exports them: module-level functions, and the public methods
  of a class with exported methods (nearc instantiates the class and exports its bound
  methods).  A parameter whose kind is known (annotation or near_safe's ``args=``) gets values
  of it whatever its name: ``AccountId`` a user, ``Balance``/``Amount``/``U128`` 1 or 10 NEAR,
  ``bool`` both, ``int`` 1 or 5, ``str`` "a" or "b".
* Tracking, for a contract that uses near_safe: what it owes a user is read from its storage,
  in near_safe's layout (contract/_state.py, contract/_xcc.py): its NEAR ledgers
  ``<ledger>:<user>`` - the ledger names read from its source where they are NEAR (``credit=``
  or ``debit=`` by name of a safe_call or builder that sends a deposit, ``state.credit`` of an
  attached deposit) - plus its claimables ``_ns:claim:<user>``; its in-flight records
  ``_ns:op:<n>`` and locks ``_ns:lock:<key>`` must be gone when idle.  No view is called and
  no view name matters.  For a contract without near_safe (no layout to read), views named
  ``balance_of``, ``get_balance``, ``staked_of``, ``claimable_of`` (one account parameter) are
  summed as what it owes a user; a view named ``pending_ops``, ``locks`` or ``locked`` must
  list nothing when idle; a view ``in_flight_of`` (one account parameter) says what it holds
  for a user in flight.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from .._facts import NEAR, NEARC_EXPORT_DECORATORS
from ..errors import UsageError
from ._machine import Machine, rule
from ._strategies import amounts, sampled_from

CREDIT_VIEWS = ("balance_of", "get_balance", "staked_of", "claimable_of")
LOCK_VIEWS = ("pending_ops", "locks", "locked")
IN_FLIGHT_VIEWS = ("in_flight_of",)
CALL_DECORATORS = ("call",)
EXPORTS = NEARC_EXPORT_DECORATORS
USER_PARAMS = ("account_id", "receiver_id", "user", "user_id")


@dataclass
class Method:
    name: str
    kind: str  # decorator name
    params: list
    payable: bool
    kinds: dict = field(default_factory=dict)  # parameter -> near_safe kind of its annotation


@dataclass
class Contract:
    path: Path
    account_id: str
    methods: dict = field(default_factory=dict)
    near_safe: bool = False  # imports near_safe: its storage layout can be read
    ledgers: tuple = ()  # its NEAR ledgers (near_safe layout), read from the source


def _decorator(dec):
    target = dec.func if isinstance(dec, ast.Call) else dec
    if isinstance(target, ast.Name) and target.id in EXPORTS:
        payable = isinstance(dec, ast.Call) and any(
            k.arg == "payable" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in dec.keywords)
        return target.id, payable
    return None, False


def scan_contract(path: Path) -> Contract:
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except SyntaxError as exc:
        raise UsageError(f"{path}:{exc.lineno}: syntax error: {exc.msg}; fix it and run "
                         "again") from None
    contract = Contract(path, path.stem.replace("_", "-").lower() + ".near")
    for node, in_class in _exported_defs(tree):
        for dec in node.decorator_list:
            kind, payable = _decorator(dec)
            if kind is None:
                continue
            reads_deposit = any(isinstance(n, ast.Attribute) and n.attr == "attached_deposit"
                                or isinstance(n, ast.Name) and n.id == "attached_deposit"
                                for n in ast.walk(node))
            args = node.args.args[1:] if in_class else node.args.args
            params = [a.arg for a in args]
            kinds = _kinds(args)
            kinds.update(_declared(dec))
            contract.methods[node.name] = Method(node.name, kind, params,
                                                 payable or reads_deposit, kinds)
            break
    contract.near_safe = any(
        (isinstance(n, ast.ImportFrom) and n.module and n.module.split(".")[0] == "near_safe")
        or (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "near_safe"
                                              for a in n.names))
        for n in ast.walk(tree))
    if contract.near_safe:
        contract.ledgers = near_ledgers(tree)
    return contract


def _exported_defs(tree):
    """(def, is a method) for what nearc exports: module-level functions, and the public
    methods of each class that has a method with an export decorator (nearc's
    inject_contract_exports binds those to module-level names; ``_private`` ones it skips)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node, False
        elif isinstance(node, ast.ClassDef):
            defs = [d for d in node.body if isinstance(d, ast.FunctionDef)]
            if any(_decorator(dec)[0] for d in defs for dec in d.decorator_list):
                for d in defs:
                    if not d.name.startswith("_"):
                        yield d, True


def _kinds(args) -> dict:
    from ..builder._misuse import annotation_kind

    out = {}
    for a in args:
        if a.annotation is not None:
            try:
                out[a.arg] = annotation_kind(a.annotation)[0]
            except Exception:  # noqa: BLE001  no kind: the naming convention decides
                pass
    return out


_KIND_NAMES = {"ACCOUNT": "account", "AMOUNT": "amount", "BOOL": "bool", "INT": "int",
               "STR": "str"}


def _declared(dec) -> dict:
    """near_safe's ``args={...}`` kinds written as a literal (KIND names or strings)."""
    spec = next((k.value for k in dec.keywords if k.arg == "args"), None) if isinstance(
        dec, ast.Call) else None
    out = {}
    if isinstance(spec, ast.Dict):
        for key, value in zip(spec.keys, spec.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if isinstance(value, ast.Name) and value.id in _KIND_NAMES:
                    out[key.value] = _KIND_NAMES[value.id]
                elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                    out[key.value] = value.value.lstrip("?")
    return out


def _strings(tree) -> dict:
    """Module- and class-level ``NAME = "text"``: the names a ledger may be given by."""
    out = {}
    for scope in [tree] + [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        for node in scope.body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        out[t.id] = node.value.value
    return out


def near_ledgers(tree) -> tuple:
    """The contract's near_safe ledgers that hold NEAR, read from its source: ``credit=`` or
    ``debit=`` given by name to a safe_call (or a builder's ``settle``) that sends a deposit
    (near_safe credits / debits exactly that deposit), and ``state.credit(ledger, ...,
    amount)`` where the amount comes from ``attached_deposit``.  A ledger credited with other
    amounts (tokens) is not NEAR and never counted."""
    names = _strings(tree)

    def ledger(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.Attribute):  # self.LEDGER / Class.LEDGER
            return names.get(node.attr)
        return None

    found = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        deposit_names = {t.id for n in ast.walk(fn) if isinstance(n, ast.Assign)
                         and _reads_deposit(n.value) for t in n.targets if isinstance(t, ast.Name)}
        chain_deposit = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                            and n.func.attr in ("deposit", "transfer") for n in ast.walk(fn))
        for node in ast.walk(fn):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) \
                else None
            kw = {k.arg: k.value for k in node.keywords}
            sends = (name == "safe_call" and "deposit" in kw and not (
                isinstance(kw["deposit"], ast.Constant) and not kw["deposit"].value)) or (
                name == "settle" and chain_deposit)
            if sends:
                for opt in ("credit", "debit"):
                    if opt in kw and ledger(kw[opt]) is not None:
                        found.add(ledger(kw[opt]))
            if name == "credit" and len(node.args) == 3 and ledger(node.args[0]) is not None:
                amount = node.args[2]
                if _reads_deposit(amount) or (isinstance(amount, ast.Name)
                                              and amount.id in deposit_names):
                    found.add(ledger(node.args[0]))
    return tuple(sorted(found))


def _reads_deposit(node) -> bool:
    return any((isinstance(n, ast.Attribute) and n.attr == "attached_deposit")
               or (isinstance(n, ast.Name) and n.id == "attached_deposit")
               for n in ast.walk(node))


CLAIM = "_ns:claim:"
RECORDS = ("_ns:op:", "_ns:lock:")


def storage_reader(account_id: str, ledgers: tuple):
    """(credited, locks): what ``account_id`` owes a user - its NEAR ledgers and claimables -
    and its in-flight records and locks, read from its storage in near_safe's layout."""
    prefixes = [ledger + ":" for ledger in ledgers] + [CLAIM]

    def credited(rt, user):
        data = rt.contract_data(account_id) or {}
        total = 0
        for prefix in prefixes:
            raw = data.get((prefix + user).encode())
            if raw and raw.isdigit():
                total += int(raw)
        return total

    def locks(rt):
        data = rt.contract_data(account_id) or {}
        return sorted(k.decode("utf-8", "replace") for k in data
                      if k.startswith(RECORDS[0].encode()) or k.startswith(RECORDS[1].encode()))

    shown = ", ".join(f"{ledger}:<user>" for ledger in ledgers)
    credited.watch_text = (f"{account_id} storage (near_safe layout): owes "
                           + (f"NEAR ledgers {shown} + " if shown else "")
                           + "claimables _ns:claim:<user>; records _ns:op:* and locks "
                           "_ns:lock:* must be gone when idle")
    return credited, locks


def scan_folder(folder: Path) -> list:
    contracts = [c for c in (scan_contract(p) for p in sorted(folder.glob("*.py"))
                             if p.name not in ("explore.py", "conftest.py")
                             and not p.name.startswith("test_"))
                 if c.methods]
    if not contracts:
        raise UsageError(f"{folder}: no contract found (a .py file whose functions carry "
                         "nearc's @call/@view/@init decorators), and no explore.py; see "
                         "docs/explorer.md for the folder convention")
    return contracts


def machine_for_folder(folder: Path):
    """Build a Machine subclass for the contracts in ``folder``; returns (machine, notes)."""
    contracts = scan_folder(folder)
    by_stem = {c.path.stem: c.account_id for c in contracts}
    notes = []
    inits = {}
    for c in contracts:
        init = c.methods.get("new")
        if init is None:
            continue
        args = {}
        for p in init.params:
            match = _contract_for(p, by_stem)
            if match is not None:
                args[p] = match
            elif p in ("owner", "owner_id"):
                args[p] = c.account_id
            else:
                raise UsageError(f"{c.path.name}: new() takes {p!r}, which the folder "
                                 "convention cannot fill (it fills parameters named after "
                                 "another contract's file, and owner/owner_id); write an "
                                 "explore.py with a Machine (docs/explorer.md)")
        inits[c.account_id] = args

    rules = {}
    for c in contracts:
        for m in c.methods.values():
            if m.kind not in CALL_DECORATORS or m.name == "new" or m.name.startswith("on_"):
                continue
            strategies = {}
            unknown = []
            for p in m.params:
                kind = m.kinds.get(p)
                if kind == "amount":
                    strategies[p] = sampled_from([str(1 * NEAR), str(10 * NEAR)])
                elif kind == "account":
                    strategies[p] = sampled_from(["alice.near", "bob.near"])
                elif kind == "bool":
                    strategies[p] = sampled_from([True, False])
                elif kind == "int":
                    strategies[p] = sampled_from([1, 5])
                elif kind == "str":
                    strategies[p] = sampled_from(["a", "b"])
                elif p == "amount" or p.endswith("_amount"):
                    strategies[p] = sampled_from([str(1 * NEAR), str(10 * NEAR)])
                elif p in USER_PARAMS or p.endswith("_id"):
                    strategies[p] = sampled_from(["alice.near", "bob.near"])
                else:
                    unknown.append(p)
            if unknown:
                notes.append(f"{c.path.name}: {m.name}({', '.join(m.params)}) left out: no "
                             f"convention for {unknown}; write an explore.py to cover it")
                continue
            rules[f"{c.account_id}:{m.name}"] = _make_rule(c.account_id, m, strategies)

    tracked = []
    for c in contracts:
        if c.near_safe:
            if c.ledgers or any(m.kind == "call" and m.payable for m in c.methods.values()):
                credited, locks = storage_reader(c.account_id, c.ledgers)
                tracked.append((c.account_id, (credited,), locks, "account_id", None))
            continue
        credited = tuple(v for v in CREDIT_VIEWS if v in c.methods
                         and c.methods[v].kind == "view" and len(c.methods[v].params) == 1)
        locks = next((v for v in LOCK_VIEWS if v in c.methods
                      and c.methods[v].kind == "view" and not c.methods[v].params), None)
        in_flight = next((v for v in IN_FLIGHT_VIEWS if v in c.methods
                          and c.methods[v].kind == "view" and len(c.methods[v].params) == 1),
                         None)
        if credited or locks:
            user_arg = c.methods[credited[0]].params[0] if credited else "account_id"
            tracked.append((c.account_id, credited, locks, user_arg, in_flight))
    if not rules:
        raise UsageError(f"{folder}: no callable method to explore (exported @call methods "
                         "not named new/on_*); write an explore.py (docs/explorer.md)")
    if not tracked:
        notes.append("no contract keeps near_safe ledgers or takes deposits, and none without "
                     "near_safe exports balance_of/get_balance/staked_of/claimable_of or "
                     "pending_ops/locks: the built-in ledger invariants have nothing to watch")

    def setup(self, rt):
        for c in contracts:
            rt.deploy(c.account_id, c.path, balance=50 * NEAR)
        for account_id, args in inits.items():
            handle = rt.handle(account_id)
            handle.call(handle, "new", args).unwrap()
        for account_id, credited, locks, user_arg, in_flight in tracked:
            self.track(account_id, credited=credited, locks=locks, user_arg=user_arg,
                       in_flight=in_flight)

    attrs = {"setup": setup, "users": {"alice.near": 100, "bob.near": 100}}
    for name, fn in rules.items():
        attrs[name.replace(".", "_").replace(":", "__").replace("-", "_")] = fn
    machine = type(f"Folder_{folder.resolve().name}", (Machine,), attrs)
    machine._near_explore_folder = str(folder)  # lets the report print load_folder(...)
    return machine, notes


def _contract_for(param, by_stem):
    """The account of the contract a ``new`` parameter names: the file stem itself, else the
    one contract whose stem ends or starts with it as a word (``pool`` -> staking_pool.py)."""
    if param in by_stem:
        return by_stem[param]
    found = [acc for stem, acc in by_stem.items()
             if stem.endswith("_" + param) or stem.startswith(param + "_")]
    return found[0] if len(found) == 1 else None


def _make_rule(account_id, method, strategies):
    deposit = amounts(1, 10) if method.payable else None

    def body(self, user, deposit=0, **kwargs):
        self.submit(user, account_id, method.name, kwargs, deposit=deposit)

    if deposit is not None:
        strategies = dict(strategies, deposit=deposit)
    params = ["self", "user"] + list(strategies)
    # give the rule the signature @rule checks (self, user, <strategies>)
    import inspect

    body.__signature__ = inspect.Signature(
        [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in params])
    body.__name__ = body.__qualname__ = f"{account_id}:{method.name}"
    return rule(**strategies)(body)
