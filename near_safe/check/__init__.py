"""``near-safe check``: a static checker for unsafe cross-contract patterns in Python NEAR
contracts (near-sdk-py 1.0.0 and near_safe), CPython only, built on :mod:`ast`.

Use it from the command line (``near-safe check PATH...``) or from Python::

    from near_safe.check import check_paths, check_source
    report = check_paths(["contracts/"])
    for f in report.findings:
        print(f.path, f.line, f.rule, f.message)

The rules are listed in :data:`RULES` and documented in docs/checker.md.
"""

from ._config import Config, load_file
from ._engine import Finding, ParseError, Report, check_paths, check_source, discover
from ._rules import RULES, SEVERITIES, Rule

__all__ = [
    "Config", "Finding", "ParseError", "RULES", "Report", "Rule", "SEVERITIES", "check_paths",
    "check_source", "discover", "load_file",
]
