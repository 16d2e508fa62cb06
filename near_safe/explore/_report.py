"""The report of a violation: the minimal schedule as a runnable pytest test, the seed, and
the receipts and balances that show the damage (CPython only)."""

from __future__ import annotations

import inspect
import os
import re

from ._machine import DEFAULT_GAS
from ._outcome_view import gas_literal, near_literal
from ._schedule import apply_step, check_runaway
from ._shrink import replay
from ._text import clean_terminal, shown


def report(explorer, schedule, violation, result):
    """Replay ``schedule`` once more, recording what each step did; returns the violation as
    replayed and the report text."""
    run = explorer.run
    run.restore(explorer.root.snap)
    explorer.current = None
    lines = []  # test body lines
    final = None
    for step in schedule:
        did = apply_step(run, step, explorer.rules)
        lines += _lines_for(did)
        final = run.check()
        if final is not None:
            break
    if final is None:
        count = 0
        while run.next_receipt() is not None:
            nxt = run.next_receipt()
            run.step()
            count += 1
            check_runaway(count)
            lines.append(f"run.step()  # {_next_text(nxt)}")
            final = run.check()
            if final is not None:
                break
    if final is None:  # pragma: no cover - shrink() only keeps failing schedules
        final = replay(explorer, schedule) or violation
    machine = explorer.machine_cls
    settings = explorer.settings
    test_name = _identifier("test_" + _snake(machine.__name__)
                            + f"_{final.invariant}_seed{settings.seed}")
    folder = getattr(machine, "_near_explore_folder", None)
    if folder is not None:
        load = "load_folder"
        body = [f"run = load_folder({folder!r}).replay()"]
    elif _machine_path(machine) is not None:
        load = "load_machine"
        body = [f"run = load_machine({_machine_path(machine)!r}, "
                f"{machine.__qualname__!r}).replay()"]
    elif machine.__qualname__.isidentifier():  # defined where no file can be named
        load = "load_machine  # noqa: F401"
        body = [f"run = {machine.__qualname__}.replay()  # import {machine.__qualname__} first"]
    else:
        load = "load_machine  # noqa: F401"
        body = [f"run = load_machine(FILE, {machine.__qualname__!r}).replay()  "
                "# FILE: the file defining it"]
    body += lines
    body.append("run.finish()  # raises InvariantViolation: " + shown(final.invariant))
    test = (f"from near_safe.explore import {load}\n"
            "from near_safe.testing import NEAR, TGAS\n\n\n"
            f"def {test_name}():\n" + "".join(f"    {line}\n" for line in body))
    text = [
        f"near_safe.explore: invariant `{final.invariant}` broken",
        f"  {final.message}",
        "",
        f"found after {result.schedules} schedules ({result.nodes} states) in "
        f"{result.elapsed:.2f} s with seed={settings.seed}; shrunk from "
        f"{result.original_length} to {len(schedule)} steps.",
        f"Reproduce the search: {shown(machine.__name__)}.explore(seed={settings.seed}) "
        f"or `near-safe explore ... --seed {settings.seed}`",
        "",
        "What ran (receipts in execution order):",
        *("  " + t for t in run.trace),
        "",
        "Balances (yoctoNEAR-exact; gas is not part of the ledger):",
        *("  " + row for row in run.balances_table().splitlines()),
        "",
        "Minimal schedule as a pytest test (fails until the contract is fixed):",
        "",
        test,
    ]
    return final, clean_terminal("\n".join(text))


def _lines_for(did) -> list:
    kind = did[0]
    if kind == "submit":
        out = []
        for sub in did[1]:
            parts = [repr(sub.signer), repr(sub.receiver), repr(sub.method), _py(sub.args)]
            if sub.deposit:
                parts.append(f"deposit={near_literal(sub.deposit)}")
            if sub.gas != DEFAULT_GAS:
                parts.append(f"gas={gas_literal(sub.gas)}")
            out.append(f"run.submit({', '.join(parts)})")
        return out
    if kind == "step":
        _, fault, nxt = did
        if fault == "large_result":
            return [f"run.step(fault={fault!r})  # {_next_text(nxt)} returns a large result"]
        if fault:
            return [f"run.step(fault={fault!r})  # {_next_text(nxt)} FAILS ({fault})"]
        return [f"run.step()  # {_next_text(nxt)}"]
    if kind == "skip":
        _, shard, blocks = did
        return [(f"run.skip_chunks({shard}, {blocks})  # shard {shard} produces no chunk "
                 f"for {blocks} block(s)")]
    if kind == "drain":
        return [f"run.step()  # {_next_text(n)}" for n in did[1]]
    return []


def _next_text(nxt) -> str:
    """A receipt for a ``# comment`` of the printed test: every value escaped (a method
    name is chosen by whoever wrote the contract)."""
    what = shown(nxt.method) if nxt.method is not None else "transfer"
    tag = " (callback)" if nxt.callback else ""
    return f"{shown(nxt.predecessor)} -> {shown(nxt.receiver)}.{what}{tag}"


def _py(value) -> str:
    """Python source for JSON-like args; an amount that is a whole number of NEAR written as a
    decimal string reads ``str(10 * NEAR)``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    if isinstance(value, str) and value.isdigit() and len(value) > 20:
        amount = int(value)
        if amount % 10**24 == 0 and str(amount) == value:
            return f"str({amount // 10**24} * NEAR)"
    return repr(value)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _identifier(name: str) -> str:
    """A Python identifier made of ``name``'s ASCII letters, digits and underscores."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return out if out.isidentifier() else "test_reproduction"


def _machine_path(machine):
    try:
        path = inspect.getfile(machine)
    except (OSError, TypeError):
        return None
    try:
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            return rel
    except ValueError:  # pragma: no cover - other drive on Windows
        pass
    return path
