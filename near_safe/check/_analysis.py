"""The rules, as predicates over the facts of :mod:`._model`.

Each ``nsXXX`` function yields ``(node, message)`` pairs; :func:`analyze` turns them into
findings.  Messages name the line and the construct; the rule catalogue (``_rules.py``) holds
the why and the fix.  Where a rule trades recall for precision it says so in its docstring.
"""

from __future__ import annotations

import ast
import keyword
import re

from .._facts import C_KEYWORDS
from ._model import (
    EXPORT_KINDS,
    BalanceRead,
    Callback,
    CallExt,
    DepositRead,
    Func,
    InitGuard,
    JsonOut,
    Module,
    NearSafeCall,
    OneYoctoCheck,
    OpAdjust,
    OwnerCheck,
    Panic,
    PrivateCheck,
    RawPromise,
    Read,
    ResultRead,
    SelfCall,
    Transfer,
    Write,
)

_AMOUNT_NAME = re.compile(r"(amount|balance|deposit|yocto|supply|price|stake|total|fee)", re.I)
# near_safe's INT refuses numbers above 2^53 instead of rounding them: a name declared INT in
# args= is reported only when it says yoctoNEAR outright (a ``fee`` may be basis points).
_STRONG_AMOUNT_NAME = re.compile(r"(amount|balance|deposit|yocto)", re.I)
# Words that make an amount-like name something else: gas, counts, times, ratios, indexes.
_NOT_AMOUNT_WORDS = {
    "gas", "tgas", "count", "counts", "num", "number", "index", "idx", "id", "ids", "len",
    "length", "time", "timestamp", "ts", "ms", "ns", "sec", "secs", "seconds", "minutes",
    "hours", "days", "epoch", "height", "block", "blocks", "duration", "bps", "percent", "pct",
    "ratio", "rate", "decimals", "nonce", "version", "limit_count",
}


def _amount_name(name: str) -> bool:
    """A parameter name that says yoctoNEAR (``amount``, ``max_deposit``, ``fee``), not one
    whose words say gas, a count, a time or a ratio (``gas_amount``, ``total_count``,
    ``fee_bps``, ``stake_time``)."""
    words = {w for w in re.split(r"_+|(?<=[a-z])(?=[A-Z])", name) if w}
    return bool(_AMOUNT_NAME.search(name)) and not {w.lower() for w in words} & _NOT_AMOUNT_WORDS


def _entry_points(m: Module) -> list[Func]:
    return [f for f in m.func_list if f.export is not None]


def _callback_targets(m: Module) -> dict[str, ast.AST]:
    """Names of this module's functions used as callback targets -> first place naming them."""
    out: dict[str, ast.AST] = {}
    for f in m.func_list:
        for ev in m.events_of(f):
            name = ev.method if isinstance(ev, Callback) else None
            if name and name in m.funcs and name not in out:
                out[name] = ev.node
    return out


def _is_callback(m: Module, f: Func, targets) -> bool:
    return f.name in targets or f.kind in ("callback", "multi_callback") or any(
        isinstance(ev, ResultRead) for ev in m.events_of(f))


def _callbacks_of(m: Module, events) -> list[Func | None]:
    """The local functions the callback events point to (None for an unresolved target)."""
    return [m.funcs.get(ev.method or "") for ev in events if isinstance(ev, Callback)]


def _line(node) -> int:
    return node.lineno


# ---------------------------------------------------------------- NS101
def ns101(m: Module):
    """Exported callback targets with no predecessor == current-account restriction.

    near-sdk-py's own @callback/@multi_callback check predecessor == current account (their
    source does), so they pass this rule; NS109 still looks at their bodies."""
    targets = _callback_targets(m)
    for f in _entry_points(m):
        if not _is_callback(m, f, targets):
            continue
        if f.kind in ("callback", "multi_callback") and f.origin in ("near_sdk_py", "near_safe"):
            continue
        if f.origin == "near_safe" and f.option("private"):
            continue
        if any(isinstance(ev, PrivateCheck) for ev in m.events_of(f)):
            continue
        how = (f"is named as a callback on line {_line(targets[f.name])}"
               if f.name in targets else "reads promise results")
        yield f.node, (f"line {f.node.lineno}: '{f.name}' {how} but is exported as "
                       f"@{f.export.spelled} without a check that the caller is this contract; "
                       f"anyone can call it")


# ---------------------------------------------------------------- NS102 / NS105
def ns102(m: Module):
    """Cross-contract function calls that carry a deposit, or come after a state write in the
    same method, while the method attaches no callback at all (transfers are NS104's)."""
    for f in _entry_points(m):
        events = m.events_of(f)
        if any(isinstance(ev, Callback) for ev in events):
            continue
        writes = []
        for ev in sorted(events, key=lambda e: e.order):
            if isinstance(ev, Write):
                writes.append(ev)
            elif isinstance(ev, CallExt):
                method = ev.method or "a method"
                if ev.nonzero:
                    yield ev.node, (f"line {ev.line}: call to '{method}' attaches a deposit and "
                                    f"nothing handles its failure (no callback)")
                elif writes:
                    yield ev.node, (f"line {ev.line}: call to '{method}' follows the state "
                                    f"change on line {writes[0].line} and nothing handles its "
                                    f"failure (no callback)")


def _fwd(ev) -> bool:
    """Is this call's amount the attached deposit (or derived from it)?"""
    return bool(ev.fwd)


def ns105(m: Module):
    """The attached deposit forwarded in a call whose callbacks neither transfer anything back
    nor record a credit (a claimable refund). With no callback at all, NS102 reports it."""
    for f in _entry_points(m):
        events = m.events_of(f)
        cbs = _callbacks_of(m, events)
        if not cbs or any(cb is None for cb in cbs):
            continue
        refunds = any(
            (isinstance(ev, Transfer) and ev.path != "success") or isinstance(ev, NearSafeCall)
            or (isinstance(ev, Write) and ev.op in ("credit", "set")
                and ev.path == "failure")
            for cb in cbs for ev in m.events_of(cb))
        if refunds:
            continue
        for ev in events:
            if isinstance(ev, CallExt) and _fwd(ev) and not ev.refund_managed:
                names = ", ".join(sorted({cb.name for cb in cbs}))
                yield ev.node, (f"line {ev.line}: forwards the attached deposit to "
                                f"'{ev.method or 'a method'}' but the callback "
                                f"({names}) never refunds it on failure")


# ---------------------------------------------------------------- NS103 / NS104
def ns103(m: Module):
    """A storage credit using the attached deposit, before an external call in the same method."""
    for f in _entry_points(m):
        events = sorted(m.events_of(f), key=lambda e: e.order)
        calls = [ev for ev in events if isinstance(ev, CallExt)]
        if not calls:
            continue
        for ev in events:
            if isinstance(ev, Write) and ev.op == "credit" and ev.deposit:
                later = [c for c in calls if c.order > ev.order]
                if later:
                    yield ev.node, (f"line {ev.line}: credits the attached deposit before the "
                                    f"external call on line {later[0].line} that it depends on")


def ns104(m: Module):
    """A storage debit before a call or a transfer to another account than the caller, where
    no callback writes storage on its failure path (restores). Callbacks themselves are left out:
    they settle, and a refund they send has no later step to restore anything."""
    targets = _callback_targets(m)
    for f in _entry_points(m):
        if _is_callback(m, f, targets):
            continue
        events = sorted(m.events_of(f), key=lambda e: e.order)
        # a transfer back to the predecessor (who just called) cannot meet a missing account
        outs = [ev for ev in events if isinstance(ev, CallExt) or
                (isinstance(ev, Transfer) and not ev.to_pred)]
        if not outs:
            continue
        cbs = _callbacks_of(m, events)
        if any(cb is None for cb in cbs):
            continue  # a callback we cannot see: assume it restores
        restores = any(isinstance(ev, NearSafeCall) or
                       (isinstance(ev, Write) and ev.op != "remove"
                        and ev.path != "success")
                       for cb in cbs for ev in m.events_of(cb))
        if cbs and restores:
            continue
        for ev in events:
            if not isinstance(ev, Write) or ev.op not in ("debit", "remove"):
                continue
            later = [o for o in outs if o.order > ev.order]
            if ev.op == "remove":  # a deleted record paid out by a transfer (escrow)
                later = [o for o in later if isinstance(o, Transfer)]
            if later:
                what = "transfer" if isinstance(later[0], Transfer) else "external call"
                debit = "removes a record" if ev.op == "remove" else "debits a balance"
                yield ev.node, (f"line {ev.line}: {debit} before the {what} on line "
                                f"{later[0].line} and nothing restores it if that fails")


# ---------------------------------------------------------------- NS106
def ns106(m: Module, min_gas: int):
    """Callbacks whose gas is a known constant (or an SDK default) below the minimum."""
    tg = 10**12
    seen = set()
    for f in _entry_points(m):
        for ev in m.events_of(f):
            if not isinstance(ev, Callback) or id(ev.node) in seen:
                continue
            seen.add(id(ev.node))
            gas = ev.gas
            name = ev.method or "the callback"
            if ev.dynamic:
                yield ev.node, (f"line {ev.line}: callback '{name}' gets gas computed from the "
                                f"gas left (prepaid_gas/used_gas); a caller attaching little gas "
                                f"starves it below {min_gas / tg:g} Tgas")
            elif gas is None:
                continue
            elif not ev.explicit:
                yield ev.node, (f"line {ev.line}: callback '{name}' gets near-sdk-py's default "
                                f"{gas / tg:g} Tgas (no gas given); a MicroPython callback "
                                f"needs at least {min_gas / tg:g} Tgas")
            elif gas < min_gas:
                yield ev.node, (f"line {ev.line}: callback '{name}' gets {gas / tg:g} Tgas; a "
                                f"MicroPython callback needs at least {min_gas / tg:g} Tgas")


# ---------------------------------------------------------------- NS107
def ns107(m: Module):
    """near-sdk-py @call / near.export methods that write state and never look at the deposit.

    Callbacks and init are left out (callbacks are private; init is the deployer's)."""
    targets = _callback_targets(m)
    for f in _entry_points(m):
        if f.origin == "near_safe" or f.kind not in ("call", "export"):
            continue
        if _is_callback(m, f, targets):
            continue
        events = m.events_of(f)
        if any(isinstance(ev, DepositRead) for ev in events):
            continue
        if any(isinstance(ev, PrivateCheck) for ev in events):
            continue
        writes = [ev for ev in events if isinstance(ev, Write)]
        if writes:
            yield f.node, (f"line {f.node.lineno}: '{f.name}' changes state (line "
                           f"{writes[0].line}) and silently accepts any attached deposit")


# ---------------------------------------------------------------- NS108
def ns108(m: Module):
    """A constant storage key written in a method that attaches a callback, when that callback
    reads the same key: all in-flight operations share the record the settlement relies on.
    (A marker the callback only deletes is not reported: nothing is settled from it.)"""
    for f in _entry_points(m):
        events = m.events_of(f)
        cbs = [cb for cb in _callbacks_of(m, events) if cb is not None]
        if not cbs:
            continue
        cb_keys = {(ev.container, ev.key)
                   for cb in cbs for ev in m.events_of(cb)
                   if isinstance(ev, Read) and ev.key is not None}
        read_before = set()
        for ev in sorted(events, key=lambda e: e.order):
            if isinstance(ev, Read):
                read_before.add((ev.container, ev.key))
            if not isinstance(ev, Write):
                continue
            slot = (ev.container, ev.key)
            # a read-modify-write (a list of open operations) keeps every operation's entry
            if ev.op != "remove" and ev.key is not None \
                    and slot in cb_keys and slot not in read_before:
                yield ev.node, (f"line {ev.line}: in-flight data for the callback is stored "
                                f"under the fixed key {ev.key!r}, shared by every "
                                f"operation in flight")


# ---------------------------------------------------------------- NS109
def ns109(m: Module):
    """raise/assert/unwrap outside a try with a broad handler, and host panics (which no try
    catches), in callbacks; in near_safe's @callback only host panics (it contains a raising
    body, not a near.panic_utf8). Checks of the caller (predecessor/current account, deposit,
    promise_results_count) are allowed to panic."""
    targets = _callback_targets(m)
    for f in m.func_list:
        if f.export is None or not _is_callback(m, f, targets):
            continue
        # near_safe's @callback contains a raising body; a host panic still aborts the receipt
        contained = f.origin == "near_safe" and f.kind in ("callback", "multi_callback")
        seen = set()
        for ev in m.events_of(f):
            if not isinstance(ev, Panic) or ev.guarded or ev.access:
                continue
            if contained and ev.how not in ("host", "host_account"):
                continue
            if id(ev.node) in seen:
                continue
            seen.add(id(ev.node))
            how = {"raise": "raises", "assert": "asserts", "host": "panics",
                   "host_account": "gives a raw promise an account id or amount from the "
                                   "callee's answer (an invalid account or an amount above "
                                   "the balance is a host panic)",
                   "unwrap": "calls .unwrap(), which raises on a failed result,"}[ev.how]
            yield ev.node, (f"line {ev.line}: callback '{f.name}' {how} outside a guarded "
                            f"region; an abort here skips its refund/rollback")


# ---------------------------------------------------------------- NS110
def ns110(m: Module):
    """Export decorators nearc will not see, private names, C keywords."""
    for f in m.func_list:
        for d in f.decorators:
            if d.nearc_exports or d.kind not in EXPORT_KINDS:
                continue
            if d.origin == "local":
                continue
            shown = ast.unparse(d.node)
            yield d.node, (f"line {d.node.lineno}: '@{shown}' on '{f.name}' is not a decorator "
                           f"name nearc recognises; '{f.name}' will not be exported")
        d = f.export
        if d is None:
            continue
        if f.cls is not None and f.name.startswith("_"):
            yield f.node, (f"line {f.node.lineno}: '{f.name}' starts with an underscore; nearc "
                           f"does not bind private methods, so it will not be callable")
        elif f.name in C_KEYWORDS or keyword.iskeyword(f.name):
            yield f.node, (f"line {f.node.lineno}: '{f.name}' is a C keyword; nearc refuses "
                           f"it as an export name")


# ---------------------------------------------------------------- NS111
def ns111(m: Module):
    """@init not from near_safe with no storage check that panics/returns before writing."""
    for f in _entry_points(m):
        if f.kind != "init" or f.origin == "near_safe":
            continue
        if any(isinstance(ev, InitGuard) for ev in m.events_of(f)):
            continue
        yield f.node, (f"line {f.node.lineno}: init '{f.name}' never checks that the contract "
                       f"is already initialised; a second call overwrites the state")


# ---------------------------------------------------------------- NS112
def ns112(m: Module):
    """Methods that compare the caller with a stored/owner account, without one-yocto."""
    for f in _entry_points(m):
        if f.kind in ("view", "init", "callback", "multi_callback"):
            continue
        if f.origin == "near_safe" and (f.option("one_yocto") or f.option("private")):
            continue
        events = m.events_of(f)
        owner = [ev for ev in events if isinstance(ev, OwnerCheck)]
        if not owner or any(isinstance(ev, (OneYoctoCheck, PrivateCheck)) for ev in events):
            continue
        yield f.node, (f"line {f.node.lineno}: '{f.name}' is restricted to a privileged caller "
                       f"(check on line {owner[0].line}) but does not require 1 yoctoNEAR")


# ---------------------------------------------------------------- NS113
def _big_collections(m: Module) -> set:
    """Persistent collections that store integer amounts as numbers (a write whose value is a
    yoctoNEAR amount not turned into a string): reading them back yields a big int."""
    out = set()
    for f in m.func_list:
        for ev in f.events:
            if isinstance(ev, Write) and ev.container not in ("storage", "ledger") \
                    and ev.value is not None and f.facts.has(ev.value, "big"):
                out.add(ev.container)
    return out


def _reads_big(m: Module, expr, big: set) -> bool:
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) \
            and expr.func.id == "int" and len(expr.args) == 1:
        expr = expr.args[0]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) \
            and expr.func.attr == "get":
        return m.imports.qualify(expr.func.value) in big
    if isinstance(expr, ast.Subscript):
        return m.imports.qualify(expr.value) in big
    return False


def ns113(m: Module):
    """yoctoNEAR amounts (the deposit, balances, ONE_NEAR multiples, literals > 2^53) sent as
    JSON numbers: returned, dumped, or passed as call/callback arguments; and int-annotated
    amount parameters of exported methods (JSON input); and values read straight back from a
    collection that stores such amounts as numbers."""
    big = None
    for f in _entry_points(m):
        a = f.node.args
        for arg in a.posonlyargs + a.args + a.kwonlyargs:
            kind, where = f.param_kind(arg)
            if kind == "int" and _amount_name(arg.arg) and (
                    where != "args=" or _STRONG_AMOUNT_NAME.search(arg.arg)):
                said = "declared INT in args=" if where == "args=" else "annotated int"
                yield arg, (f"line {arg.lineno}: parameter '{arg.arg}' ({said}) takes a "
                            f"yoctoNEAR amount as a JSON number")
        facts = f.facts
        if big is None:
            big = _big_collections(m)
        for ev in f.events:
            if not isinstance(ev, JsonOut):
                continue
            if ev.via == "return" and f.export is None:
                continue
            for value in _json_values(ev.node):
                if facts.big_value(value) or _reads_big(m, value, big):
                    yield value, (f"line {value.lineno}: '{ast.unparse(value)}' is a yoctoNEAR "
                                  f"amount sent as a JSON number")


def _json_values(node):
    if isinstance(node, ast.Dict):
        for v in node.values:
            yield from _json_values(v)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for v in node.elts:
            yield from _json_values(v)
    else:
        yield node


# ---------------------------------------------------------------- helpers for NS114-NS121
def _callers_of(m: Module) -> dict:
    """Callback name -> the callback events naming it (with their safe_call options)."""
    out: dict = {}
    for f in m.func_list:
        for ev in m.events_of(f):
            if isinstance(ev, Callback) and ev.method:
                out.setdefault(ev.method, []).append(ev)
    return out


def _facts(ev, f):
    return ev.owner.facts if ev.owner is not None and ev.owner.facts is not None else f.facts


def _same(a, b) -> bool:
    return a is not None and b is not None and ast.dump(a) == ast.dump(b)


def _is_false(node) -> bool:
    return not (isinstance(node, ast.Constant) and node.value is True)


def _ledger(node, m: Module):
    """The ledger name of a credit=/debit= option (a name or a tuple's first item)."""
    if isinstance(node, (ast.Tuple, ast.List)) and node.elts:
        node = node.elts[0]
    from ._names import const_str
    return const_str(node, m.constants)


# ---------------------------------------------------------------- NS114
def ns114(m: Module):
    """A call carrying a deposit whose failure is paid back from the contract's balance: to a
    receiver the caller chose (the method's arguments or the caller itself), a callback that
    refunds, credits or transfers on its failure path, or a tuple debit of the deposit; and,
    for any receiver, a callback that re-decides the outcome (operation().set_ok(False),
    op.refund = ..., op.restore = ...) after a call that carried a deposit."""
    targets = _callback_targets(m)
    for f in _entry_points(m):
        if _is_callback(m, f, targets):
            continue
        events = m.events_of(f)
        raw_cbs = [cb for cb in _callbacks_of(m, events) if cb is not None]
        for ev in events:
            if not isinstance(ev, CallExt) or not ev.nonzero or ev.to_self:
                continue
            # a fixed small amount (1 yocto for an NFT/FT transfer) is not what a refund of
            # the user's payment pays back
            fixed = _facts(ev, f)._int(ev.amount) is not None
            safe = ev.safe
            user = ev.user_recv
            reasons = []
            if safe is not None:
                facts = _facts(ev, f)
                r, d = facts._int(safe.get("refund")), facts._int(safe.get("deposit"))
                if r is not None and d is not None and 0 < r < d:
                    # the protocol returns a failed deposit whole; near_safe refuses this
                    reasons.append(f"refund={r} is below the deposit {d} (a MisuseError: "
                                   f"the protocol refunds the whole deposit)")
                then = _str_of(m, safe.get("then"))
                cbs = [m.funcs[then]] if then in m.funcs else []
                debit = safe.get("debit")
                if user and isinstance(debit, (ast.Tuple, ast.List)) and len(debit.elts) == 3:
                    amount = debit.elts[2]
                    facts = _facts(ev, f)
                    if _same(amount, safe.get("deposit")) or facts.has(amount, "deposit"):
                        reasons.append(f"its tuple debit= (line {debit.lineno}) is restored in "
                                       f"full on failure")
            else:
                cbs = raw_cbs
            for cb in cbs:
                for cev in m.events_of(cb):
                    if isinstance(cev, OpAdjust) and (cev.field in ("refund", "restore") or
                                                    _is_false(cev.value)):
                        what = ("operation().set_ok(...)" if cev.field == "ok"
                                else f"op.{cev.field} = ...")
                        reasons.append(f"'{cb.name}' sets {what} on line {cev.line}")
                    elif not user or fixed:
                        continue
                    elif isinstance(cev, Transfer) and cev.path != "success":
                        reasons.append(f"'{cb.name}' sends money back on line {cev.line}")
                    elif isinstance(cev, NearSafeCall) and cev.name == "near_safe.refund" \
                            and cev.path != "success":
                        reasons.append(f"'{cb.name}' calls refund() on line {cev.line}")
                    elif isinstance(cev, Write) and cev.op in ("credit", "set") \
                            and cev.path == "failure":
                        reasons.append(f"'{cb.name}' credits on its failure path on line "
                                       f"{cev.line}")
            if reasons:
                who = ("a receiver the caller chose" if user else "the receiver")
                call = f"'{ev.method}'" if ev.method else "this call"
                yield ev.node, (f"line {ev.line}: the deposit sent with {call} to {who} may be "
                                f"kept by a callee that returns a failing promise, yet the "
                                f"contract pays on failure: {'; '.join(dict.fromkeys(reasons))}")


def _str_of(m: Module, node):
    from ._names import const_str
    return const_str(node, m.constants)


# ---------------------------------------------------------------- NS115
def _opaque_input(facts, node) -> bool:
    """Arguments passed on as a whole from the caller's input (``args``, ``json.dumps(args)``,
    ``{**args}``, ``action["args"]``), not built field by field by the contract."""
    while isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and (
            (isinstance(node.func, ast.Name) and node.func.id in ("str", "dict", "bytes"))
            or (isinstance(node.func, ast.Attribute) and node.func.attr in ("dumps", "encode"))):
        node = node.args[0]
    if isinstance(node, ast.Dict):
        return any(k is None and facts.has(v, "param") for k, v in zip(node.keys, node.values))
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
        return facts.has(node, "param")
    return False


def _module_value(m: Module, name: str):
    """The value a module-level ``NAME = ...`` assigns (the last one), or None."""
    out = None
    for stmt in m.tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name
                                                for t in stmt.targets):
            out = stmt.value
    return out


def _all_str(nodes) -> bool:
    return all(isinstance(x, ast.Constant) and isinstance(x.value, str) for x in nodes)


def _fixed_names(m: Module, node) -> bool:
    """A module-level collection of fixed method names: a list/tuple/set of strings, or a dict
    of strings (its keys/values)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("keys", "values") and not node.args:
        node = node.func.value
    if not isinstance(node, ast.Name):
        return False
    v = _module_value(m, node.id)
    if isinstance(v, (ast.List, ast.Tuple, ast.Set)):
        return _all_str(v.elts)
    return isinstance(v, ast.Dict) and _all_str(v.values) and _all_str(v.keys)


def _allow_listed(m: Module, node, func: Func | None = None) -> bool:
    """A method name taken from a module-level table of fixed names: ``ACTIONS[kind]``,
    ``ACTIONS.get(kind)``, or a local name every assignment of which is such a lookup, or
    which loops over such a collection (``for name in NAMES``)."""
    if isinstance(node, ast.Name) and func is not None:
        values, iters = [], []
        for n in ast.walk(func.node):
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id
                                                 for t in n.targets):
                values.append(n.value)
            elif isinstance(n, (ast.For, ast.comprehension)) and \
                    isinstance(n.target, ast.Name) and n.target.id == node.id:
                iters.append(n.iter)
        return bool(values or iters) and all(_allow_listed(m, v) for v in values) \
            and all(_fixed_names(m, i) for i in iters)
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "get" and node.args:
        node = ast.Subscript(value=node.func.value, slice=node.args[0])
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
        return False
    v = _module_value(m, node.value.id)
    return isinstance(v, ast.Dict) and _all_str(v.values)


def ns115(m: Module):
    """A promise to this contract itself whose method name comes from the caller's input, or
    whose arguments are the caller's input passed on whole."""
    seen = set()
    for f in _entry_points(m):
        if f.kind == "view":
            continue
        for ev in m.events_of(f):
            if id(ev.node) in seen:
                continue
            if isinstance(ev, Callback) or (isinstance(ev, CallExt) and ev.to_self):
                facts = _facts(ev, f)
                mnode = ev.method_node
                what = None
                if ev.method is None and mnode is not None and facts.has(mnode, "param"):
                    what = "a method name taken from the caller's input"
                elif ev.method is None and mnode is not None \
                        and not _allow_listed(m, mnode, ev.owner or f):
                    what = "a method name not fixed in the code (stored or computed)"
                elif ev.args_node is not None \
                        and _opaque_input(facts, ev.args_node):
                    what = "arguments taken from the caller's input"
                if what:
                    seen.add(id(ev.node))
                    yield ev.node, (f"line {ev.line}: '{f.name}' chains a call to this "
                                    f"contract itself with {what}; whoever chooses it can drive "
                                    f"the contract's own callbacks and private methods")


# ---------------------------------------------------------------- NS116
def _settles(evs) -> bool:
    return any(ev.safe and any(k in ev.safe for k in
                                           ("refund", "credit", "debit", "lock"))
               for ev in evs)


def ns116(m: Module):
    """safe_call with refund=/credit=/debit= and no caller= in a callback that settles no
    operation (the predecessor there is the contract itself)."""
    targets = _callback_targets(m)
    callers = _callers_of(m)
    for f in m.func_list:
        if f.export is None or not _is_callback(m, f, targets):
            continue
        if f.origin == "near_safe" and _settles(callers.get(f.name, [])):
            continue  # near_safe defaults the caller to the settled operation's caller
        for ev in m.events_of(f):
            safe = ev.safe if isinstance(ev, CallExt) else None
            if safe is None or "caller" in safe:
                continue
            opts = [k for k in ("refund", "credit", "debit") if k in safe]
            if opts:
                # safe_call's call sits on its call; a promise builder's on its .call("m")
                how = "safe_call" if isinstance(ev.node, ast.Call) else "promise chain"
                yield ev.node, (f"line {ev.line}: {how} in callback '{f.name}' "
                                f"({', '.join(o + '=' for o in opts)}) has no caller= and the "
                                f"callback settles no operation: the caller is the contract "
                                f"itself, so the user's refund or credit goes to the contract")


# ---------------------------------------------------------------- NS117
_RECEIVER_NAME = re.compile(
    r"(pool|owner|treasury|beneficiar|receiver|recipient|payee|admin|vault|validator|staking|"
    r"fee_to|fee_account|dao|manager|withdraw_to|destination)", re.IGNORECASE)


def _account_params(f: Func) -> set:
    """Parameters that take an account id: near_safe's ``args={"pool": ACCOUNT}``, or the
    annotation near-sdk-py users write (``pool: AccountId``)."""
    a = f.node.args
    return {arg.arg for arg in a.posonlyargs + a.args + a.kwonlyargs
            if f.param_kind(arg)[0] in ("account", "AccountId")}


def ns117(m: Module):
    """A public init (anyone can call it first) that stores an account from its arguments
    when the account receives money or control (by name, or declared ACCOUNT)."""
    for f in _entry_points(m):
        if f.kind != "init":
            continue
        if f.option("private"):
            continue
        events = m.events_of(f)
        if any(isinstance(ev, PrivateCheck) for ev in events):
            continue
        accounts = _account_params(f)
        stored = []
        for ev in events:
            if not isinstance(ev, Write) or ev.value is None:
                continue
            facts = _facts(ev, f)
            value = ev.value
            key = ev.key or ""
            if facts.has(value, "param"):
                names = [n.id for n in ast.walk(value) if isinstance(n, ast.Name)
                         and n.id in facts.taint["param"]]
                if any(n in accounts or _RECEIVER_NAME.search(n) for n in names) \
                        or _RECEIVER_NAME.search(key):
                    stored.append(names[0] if names else key)
            elif facts.has(value, "pred") and _RECEIVER_NAME.search(key):
                stored.append("the caller as " + repr(key))  # the first caller takes it
        if stored:
            shown = ", ".join(dict.fromkeys(stored))
            yield f.node, (f"line {f.node.lineno}: init '{f.name}' is public and stores "
                           f"{shown} from its arguments; whoever calls it first after the "
                           f"deploy chooses who receives the money")


# ---------------------------------------------------------------- NS118
def ns118(m: Module):
    """A hand credit in a callback whose safe_call passes credit= for the same ledger."""
    callers = _callers_of(m)
    for f in m.func_list:
        evs = [ev for ev in callers.get(f.name, [])
               if ev.safe and "credit" in ev.safe]
        if not evs or f.export is None:
            continue
        ledgers = {_ledger(ev.safe["credit"], m) for ev in evs}
        for ev in m.events_of(f):
            if not isinstance(ev, Write) or ev.op != "credit" or ev.path == "failure":
                continue
            if ev.container == "ledger":
                ledger = ev.ledger
                if ledger is not None and None not in ledgers and ledger not in ledgers:
                    continue
            shown = ", ".join(sorted(x for x in ledgers if x)) or "a ledger"
            # safe_call's events sit on its call; a promise builder's on its then("cb")
            how = ("safe_call" if isinstance(evs[0].node, ast.Call)
                   else "promise chain's settle(...)")
            yield ev.node, (f"line {ev.line}: callback '{f.name}' credits by hand and its "
                            f"{how} on line {evs[0].line} passes credit= ({shown}): the "
                            f"user is credited twice")


# ---------------------------------------------------------------- NS119
def _pricing(f: Func):
    """Multiplications/divisions in ``f`` that use the contract's own balance."""
    facts = f.facts
    for n in ast.walk(f.node):
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mult, ast.Div, ast.FloorDiv)) \
                and (facts.has(n.left, "balance") or facts.has(n.right, "balance")):
            yield n


def ns119(m: Module):
    """Prices (a * b // c, a / b) computed from account_balance() in a state-changing method,
    when the module sends deposits with cross-contract calls (its money can be in flight)."""
    if not any(isinstance(ev, BalanceRead) for f in m.func_list for ev in f.events):
        return
    flights = [ev for f in _entry_points(m) for ev in m.events_of(f)
               if isinstance(ev, CallExt) and ev.nonzero and not ev.to_self]
    if not flights:
        return
    seen = set()
    for f in _entry_points(m):
        if f.kind == "view":
            continue
        events = m.events_of(f)
        if not any(isinstance(ev, (Write, CallExt, Transfer)) for ev in events):
            continue
        funcs = [f] + [m.funcs[ev.name] for ev in f.events
                       if isinstance(ev, SelfCall) and ev.name in m.funcs]
        for g in funcs:
            if not any(isinstance(ev, BalanceRead) for ev in g.events):
                continue
            for n in _pricing(g):
                if id(n) in seen:
                    continue
                seen.add(id(n))
                yield n, (f"line {n.lineno}: prices from the contract's own balance "
                          f"('{ast.unparse(n)}') while its deposit to "
                          f"'{flights[0].method or 'a call'}' (line "
                          f"{flights[0].line}) can be in flight")


# ---------------------------------------------------------------- NS120
_VIEW_FORBIDDEN = {"near_safe.safe_call", "near_safe.refund", "near_safe.claim"}
_RAW_MONEY_ACTIONS = {"near.promise_batch_action_" + a for a in (
    "transfer", "stake", "delete_account", "deploy_contract", "create_account",
    "add_key_with_full_access",
    "add_key_with_function_call", "delete_key")}


def ns120(m: Module):
    """A view that writes storage, transfers or sends a deposit, changes an account, or calls
    safe_call/refund/claim. A read-only proxy (a call without deposit whose result is returned)
    is left alone: it fails as a view call and changes nothing as a transaction."""
    for f in _entry_points(m):
        if f.kind != "view":
            continue
        seen = set()
        for ev in m.events_of(f):
            what = None
            if isinstance(ev, Write):
                what = "writes storage"
            elif isinstance(ev, Transfer) or (isinstance(ev, RawPromise) and
                                           ev.name in _RAW_MONEY_ACTIONS):
                what = "sends money or changes an account"
            elif isinstance(ev, CallExt) and ev.nonzero:
                what = "sends a deposit with a call"
            elif isinstance(ev, NearSafeCall) and ev.name in _VIEW_FORBIDDEN:
                what = f"calls {ev.name.rsplit('.', 1)[-1]}()"
            if what is None or ev.line in seen:
                continue
            seen.add(ev.line)
            yield ev.node, (f"line {ev.line}: view '{f.name}' {what}; called as a "
                            f"transaction it changes state")


# ---------------------------------------------------------------- NS121
def _bounded(f: Func, value) -> bool:
    """min()/max() around the value, or an ordering comparison of one of its names."""
    inner = value
    while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) \
            and inner.func.id in ("int", "abs") and len(inner.args) == 1:
        inner = inner.args[0]
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) \
            and inner.func.id in ("min", "max"):
        return True
    names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
    for n in ast.walk(f.node):
        if isinstance(n, ast.Compare) and any(isinstance(op, (ast.Lt, ast.Gt, ast.LtE, ast.GtE))
                                              for op in n.ops):
            used = {x.id for x in ast.walk(n) if isinstance(x, ast.Name)}
            if used & names:
                return True
    return False


def ns121(m: Module):
    """operation().refund/credit/restore set from the callee's answer with no bound."""
    for f in m.func_list:
        if f.export is None:
            continue
        for ev in f.events:
            if not isinstance(ev, OpAdjust) or ev.field == "ok":
                continue
            value = ev.value
            if f.facts.has(value, "result") and not _bounded(f, value):
                yield ev.node, (f"line {ev.line}: '{f.name}' sets op.{ev.field} from "
                                f"the callee's answer ('{ast.unparse(value)}') without bounding "
                                f"it")


def analyze(m: Module, min_callback_gas: int):
    """Yield ``(rule_id, node, message)`` for every finding in the module (unfiltered)."""
    checks = [("NS101", ns101(m)), ("NS102", ns102(m)), ("NS103", ns103(m)),
              ("NS104", ns104(m)), ("NS105", ns105(m)), ("NS106", ns106(m, min_callback_gas)),
              ("NS107", ns107(m)), ("NS108", ns108(m)), ("NS109", ns109(m)),
              ("NS110", ns110(m)), ("NS111", ns111(m)), ("NS112", ns112(m)),
              ("NS113", ns113(m)), ("NS114", ns114(m)), ("NS115", ns115(m)),
              ("NS116", ns116(m)), ("NS117", ns117(m)), ("NS118", ns118(m)),
              ("NS119", ns119(m)), ("NS120", ns120(m)), ("NS121", ns121(m))]
    seen = set()
    for rule_id, gen in checks:
        for node, message in gen:
            key = (rule_id, node.lineno, node.col_offset)
            if key in seen:
                continue
            seen.add(key)
            yield rule_id, node, message
