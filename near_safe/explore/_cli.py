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
    parser.add_argument("--faults", default=None,
                        help="comma-separated faults to inject (default: panic, out_of_gas, "
                        "missing_account, missing_method, oversized_result, keep_deposit_fail, "
                        "bad_answer; large_result is opt-in)")


def _machines(folder: Path):
    explore_py = folder / "explore.py"
    if explore_py.is_file():
        from ._loader import _import_file
        from ._machine import Machine

        module = _import_file(explore_py)
        found = [obj for obj in vars(module).values()
                 if inspect.isclass(obj) and issubclass(obj, Machine) and obj is not Machine
                 and obj.__module__ == module.__name__ and obj.rules()]
        if not found:
            raise UsageError(f"{explore_py}: defines no Machine subclass with rules; define "
                             "one (docs/explorer.md) or remove explore.py to use the folder "
                             "convention")
        return found, []
    from ._auto import machine_for_folder

    machine, notes = machine_for_folder(folder)
    return [machine], notes


def run(args) -> int:
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
        faults = None
        if args.faults is not None:
            faults = tuple(f.strip() for f in args.faults.split(",") if f.strip())
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
