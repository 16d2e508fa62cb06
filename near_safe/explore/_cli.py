"""``near-safe explore FOLDER``: a quick exploration with the built-in invariants.

Exit codes: 0 nothing found, 1 a violation (its report is printed), 2 usage error or an
exploration that watched nothing (no invariant applied: no verdict).
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from ..errors import UsageError
from ._text import clean_terminal


def add_arguments(parser) -> None:
    parser.add_argument("folder", help="folder with explore.py, or with the contracts "
                        "themselves (see docs/explorer.md, 'The folder convention')")
    parser.add_argument("--depth", type=int, default=None, help="rule calls per schedule "
                        "(default 3)")
    parser.add_argument("--budget", type=int, default=None, help="schedules to explore "
                        "(default 1000)")
    parser.add_argument("--seed", type=int, default=None, help="seed (default 0)")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per machine")
    parser.add_argument("--mode", choices=("wasm", "python"), default=None,
                        help="runtime mode (default: the machine's, normally wasm; python "
                        "mode is quicker but NOT evidence: verdicts come from wasm)")
    parser.add_argument("--faults", action="append", default=None, metavar="FAULT",
                        help="faults to inject (repeatable, or comma-separated; default: "
                        "panic, out_of_gas, missing_account, missing_method, oversized_result, "
                        "keep_deposit_fail, bad_answer; large_result is opt-in)")


def parse_faults(values) -> tuple | None:
    """``--faults`` as given (a list: the option is repeatable) -> the fault kinds, in order,
    each once; None when the option was not given.  Same forms as ``check --disable``: each
    value comma-separated, items stripped, case-insensitive, empty items ignored."""
    from ._machine import EXTRA_FAULTS, FAULT_KINDS, FAULTS

    if values is None:
        return None
    known = FAULTS + EXTRA_FAULTS
    out = []
    for value in values:
        for item in value.split(","):
            kind = item.strip().lower()
            if kind and kind not in known + FAULT_KINDS:
                answers = ", ".join(k for k in FAULT_KINDS if k.startswith("answer:"))
                raise UsageError(f"--faults {kind}: unknown fault; known faults are "
                                 f"{', '.join(known)} (bad_answer stands for every answer; "
                                 f"one answer alone: {answers})")
            if kind and kind not in out:
                out.append(kind)
    return tuple(out)


def _machines(folder: Path):
    explore_py = folder / "explore.py"
    if explore_py.is_file():
        from ._loader import _import_file
        from ._machine import Machine

        module = _import_file(explore_py)
        defined = [obj for obj in vars(module).values()
                   if inspect.isclass(obj) and issubclass(obj, Machine) and obj is not Machine
                   and obj.__module__ == module.__name__]
        found = [obj for obj in defined if obj.rules()]
        if defined and not found:
            names = ", ".join(obj.__qualname__ for obj in defined)
            raise UsageError(f"{explore_py}: {names}: no rules, so there is nothing to "
                             "explore; add a @rule(...) method that submits a transaction "
                             "(a Machine without rules is fine as a base, but explore.py needs "
                             "a subclass with rules)")
        if not found:
            raise UsageError(f"{explore_py}: defines no Machine subclass with rules; define "
                             "one (docs/explorer.md) or remove explore.py to use the folder "
                             "convention")
        return found, []
    from ._auto import machine_for_folder

    machine, notes = machine_for_folder(folder)
    return [machine], notes


def run(args) -> int:
    faults = parse_faults(args.faults)  # a usage error before anything is loaded
    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder; give the folder holding explore.py or the "
                         "contracts")
    machines, notes = _machines(folder)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    status = 0
    for machine in machines:
        if args.mode:
            machine = type(machine.__name__, (machine,), {"mode": args.mode})
        settings = machine.settings.replace(depth=args.depth, budget=args.budget,
                                            seed=args.seed, time_limit=args.time_limit,
                                            faults=faults)
        if settings is None:  # pragma: no cover
            raise UsageError("bad settings")
        from ._engine import Explorer

        result = Explorer(machine, settings).explore()
        print(clean_terminal(result.summary()))
        print(clean_terminal(result.watching()))
        if result.found:
            print()
            print(result.report)
            status = 1
        elif not result.watched and status == 0:
            print(f"error: {clean_terminal(machine.__name__)} watched nothing, so its clean run "
                  "is no verdict: add an explore.py with an @invariant or track(), or views the "
                  "folder convention tracks (docs/explorer.md)", file=sys.stderr)
            status = 2
    return status
