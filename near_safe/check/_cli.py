"""``near-safe check PATH...``: wiring of the checker into the CLI (see near_safe/cli.py).

Exit codes: 0 no findings, 1 findings, 2 usage error, bad configuration or a file that does not
parse (the other files are still checked and reported).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError
from ._config import load_file
from ._engine import check_paths
from ._report import FORMATS
from ._rules import RULES, SEVERITIES


def add_arguments(parser):
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="contract files or folders (folders are searched for *.py, "
                             "skipping build/, venv/ and hidden folders)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="human",
                        help="output format (default: human)")
    parser.add_argument("--config", metavar="FILE",
                        help="read [tool.near-safe] from FILE instead of the nearest "
                             "pyproject.toml")
    parser.add_argument("--disable", action="append", metavar="RULE", default=[],
                        help="switch a rule off (repeatable, or comma-separated)")
    parser.add_argument("--severity", choices=SEVERITIES,
                        help="report only findings at or above this severity")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write the report to FILE instead of standard output")


def run(args) -> int:
    disable = set()
    for item in args.disable:
        for rid in item.split(","):
            rid = rid.strip().upper()
            if rid and rid not in RULES:
                raise UsageError(f"--disable {rid}: unknown rule id; known ids are "
                                 f"{', '.join(sorted(RULES))}")
            if rid:
                disable.add(rid)
    config = load_file(Path(args.config)) if args.config else None
    overrides = {"severity": args.severity, "disable": frozenset(disable) or None}
    report = check_paths(args.paths, config=config, overrides=overrides)
    text = FORMATS[args.format](report)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return report.exit_code
