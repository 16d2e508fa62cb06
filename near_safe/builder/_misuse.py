"""Decorator misuse found at build time (issue 3: "a clear error at import/build time").

In the Wasm, near_safe checks a method's decorator options lazily, when that method is called
(checking every method on every call would cost gas on every call).  Under CPython the same
decorators check their options when they are applied.  So before the toolchain runs, the
builder imports the contract once under CPython, in a child process, with a `near` stand-in
that only supports ``near.export``: a ``MisuseError`` raised while the module is imported
becomes a BuildError naming the line; anything else the import does (or fails to do) is left
for the Wasm build to judge.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..errors import BuildError

_CHILD = r"""
import json, os, runpy, sys, traceback
path = sys.argv[1]
sys.path.insert(0, os.path.dirname(path))
import near_safe
from near_safe import MisuseError, _host


class ImportOnlyHost:
    # Module-level code may only register exports; any other host call means we cannot judge.
    def export(self, fn):
        return fn

    def __getattr__(self, name):
        raise LookupError(name)


_host.bind(ImportOnlyHost())
report = {}
try:
    runpy.run_path(path, run_name="__near_safe_build_check__")
except MisuseError as exc:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    report = {"misuse": str(exc), "line": frames[-1].lineno if frames else None}
except BaseException:
    pass
print(json.dumps(report))
"""


def check_decorator_misuse(contract: Path, timeout: float = 60.0) -> None:
    """Raise BuildError if importing ``contract`` under CPython raises near_safe's MisuseError."""
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(contract)], capture_output=True,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return  # a module that does not import in time is for the Wasm build to judge
    lines = proc.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1]) if lines else {}
    except ValueError:
        return
    if report.get("misuse"):
        where = f"{contract}:{report['line']}" if report.get("line") else str(contract)
        raise BuildError(f"{where}: {report['misuse']}")
