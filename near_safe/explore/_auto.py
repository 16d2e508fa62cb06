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
* Tracking: views named ``balance_of``, ``get_balance``, ``staked_of``, ``claimable_of``
  (one account parameter) are summed as what the contract owes a user; a view named
  ``pending_ops``, ``locks`` or ``locked`` must list nothing when idle; a view
  ``in_flight_of`` (one account parameter) says what the contract holds for a user in flight.
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


@dataclass
class Contract:
    path: Path
    account_id: str
    methods: dict = field(default_factory=dict)


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
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for dec in node.decorator_list:
            kind, payable = _decorator(dec)
            if kind is None:
                continue
            reads_deposit = any(isinstance(n, ast.Attribute) and n.attr == "attached_deposit"
                                or isinstance(n, ast.Name) and n.id == "attached_deposit"
                                for n in ast.walk(node))
            params = [a.arg for a in node.args.args if a.arg != "self"]
            contract.methods[node.name] = Method(node.name, kind, params,
                                                 payable or reads_deposit)
            break
    return contract


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
                if p == "amount" or p.endswith("_amount"):
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
        notes.append("no contract exports balance_of/get_balance/staked_of/claimable_of or "
                     "pending_ops/locks: the built-in invariants have nothing to watch")

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
