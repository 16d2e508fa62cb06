"""What the Wasm build refuses, refused by CPython mode too (issue 11, finding 5).  CPython only.

* mpy-cross's verdict: the contract (and each local module) is compiled with the toolchain's
  mpy-cross when one is built (``near-safe build --warm``), cached by source hash.  It crashes
  on, e.g., ``super()`` outside a method.
* What freezing the compiled module fails on (measured with the builder): a float constant
  beyond single precision (|x| > 3.4e38), a lone surrogate in a str constant, an int constant
  of more than 4,300 digits (including one MicroPython's compiler folds, ``10 ** 5000``).
* Frozen modules that fail to import in the Wasm though the builder freezes them
  (:data:`IMPORT_FAILURES`, measured per port: ``copy``, ``heapq``, ``bisect`` on nearc's,
  ``ssl``, ``threading``, ``textwrap``, ... on both).

Refusals are the builder's :class:`~near_safe.errors.BuildError`, naming the line and the fix.
"""

from __future__ import annotations

import ast
import hashlib
import math
import os
import subprocess
import sys
from pathlib import Path

FLT_MAX = 3.4028234663852886e38
MAX_INT_DIGITS = 4300  # CPython's int-to-str limit, hit by the freezing step (mpy-tool.py)

# import (written in the contract, so the builder freezes the module) of a module that fails in
# the Wasm, measured per port: name -> (MicroPython frames after the importing line, exception
# type, args), or the trap kind (a str; "GasExceeded": the call runs out of gas)
_ENOENT_FRAME = '  File "", line 1, in <module>\n'
IMPORT_FAILURES = {
    "nearc": {
        "copy": (('  File "copy.py", line 70, in <module>\n', _ENOENT_FRAME), OSError,
                 (2, "ENOENT")),
        "heapq": (('  File "heapq.py", line 372, in <module>\n', _ENOENT_FRAME), OSError,
                  (2, "ENOENT")),
        "bisect": (('  File "bisect.py", line 104, in <module>\n', _ENOENT_FRAME), OSError,
                   (2, "ENOENT")),
        "ssl": (('  File "ssl.py", line 1, in <module>\n', _ENOENT_FRAME), OSError,
                (2, "ENOENT")),
        "threading": (('  File "threading.py", line 1, in <module>\n', _ENOENT_FRAME), OSError,
                      (2, "ENOENT")),
        "collections.abc": ((_ENOENT_FRAME,), OSError, (2, "ENOENT")),
        "textwrap": (('  File "textwrap.py", line 405, in <module>\n',), AttributeError,
                     ("'module' object has no attribute 'MULTILINE'",)),
        "quopri": "MemoryOutOfBounds",
    },
    "near_safe": {  # copy, heapq and bisect import on the patched port
        "ssl": (('  File "ssl.py", line 1, in <module>\n',), ImportError,
                ("no module named 'tls'",)),
        "threading": (('  File "threading.py", line 1, in <module>\n',), ImportError,
                      ("no module named '_thread'",)),
        "collections.abc": ((), ImportError, ("no module named 'collections.abc'",)),
        "textwrap": (('  File "textwrap.py", line 405, in <module>\n',), AttributeError,
                     ("'module' object has no attribute 'MULTILINE'",)),
        "quopri": "GasExceeded",
    },
}


def missing_module(fullname: str):
    """Importing a module the Wasm does not hold at all (a dynamic import of a local module the
    builder did not freeze): plain nearc's port raises OSError ENOENT with an empty-named frame;
    near_safe's (patch 0006) ImportError ``no module named 'x'`` (measured)."""
    from ._modnear import _LAST_WINS

    if _LAST_WINS[0]:
        from ._loading import _not_frozen

        return _not_frozen()
    return ImportError(f"no module named '{fullname}'")


def import_failure(fullname: str):
    """What importing ``fullname`` does in the Wasm of the running call's port when it fails
    there (an exception, or a trap kind), or None."""
    from ._modnear import _LAST_WINS

    entry = IMPORT_FAILURES["nearc" if _LAST_WINS[0] else "near_safe"].get(fullname)
    if entry is None or isinstance(entry, str):
        return entry
    frames, exc_type, args = entry
    if exc_type is OSError:
        from ._loading import _ImportMiss

        exc = _ImportMiss(*args)
    else:
        exc = exc_type(*args)
    exc.mp_extra_frames = frames
    return exc


def _fail(path, node, what: str, fix: str):
    from ....errors import BuildError

    line = getattr(node, "lineno", 0)
    col = getattr(node, "col_offset", -1) + 1
    raise BuildError(f"{path}:{line}:{col}: the Wasm build fails on {what}: {fix}")


_FOLD = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
         ast.Mult: lambda a, b: a * b, ast.LShift: lambda a, b: a << b,
         ast.Pow: lambda a, b: a ** b, ast.FloorDiv: lambda a, b: a // b,
         ast.BitOr: lambda a, b: a | b, ast.BitAnd: lambda a, b: a & b,
         ast.BitXor: lambda a, b: a ^ b}


def _folded_int(node):
    """The int MicroPython's compiler folds ``node`` into, or None (bounded: no result over
    about 100,000 bits is computed)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
        v = _folded_int(node.operand)
        if v is None:
            return None
        return -v if isinstance(node.op, ast.USub) else (~v if isinstance(node.op, ast.Invert) else v)
    if isinstance(node, ast.BinOp) and type(node.op) in _FOLD:
        a, b = _folded_int(node.left), _folded_int(node.right)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Pow):
            if b < 0 or abs(a) > 1 and b * max(a.bit_length(), 1) > 100_000:
                return None if b < 0 else 10 ** (MAX_INT_DIGITS + 1)  # too big anyway
        if isinstance(node.op, ast.LShift) and (b < 0 or b > 100_000):
            return None if b < 0 else 10 ** (MAX_INT_DIGITS + 1)
        if isinstance(node.op, ast.FloorDiv) and b == 0:
            return None
        return _FOLD[type(node.op)](a, b)
    return None


_BIG = 10 ** MAX_INT_DIGITS


def check_constants(tree: ast.AST, path) -> None:
    """Refuse the constants the freezing step fails on (measured with the builder)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            v = node.value
            if type(v) is float and math.isfinite(v) and abs(v) > FLT_MAX:
                _fail(path, node, f"the float literal {v!r}, beyond single precision (3.4e38)",
                      "use a smaller number or an int")
            elif type(v) is str and not _encodable(v):
                _fail(path, node, "a lone surrogate in a string literal",
                      "write the character as a valid pair or as bytes")
            elif type(v) is int and abs(v) >= _BIG:
                _fail(path, node, f"an int constant of more than {MAX_INT_DIGITS} digits",
                      "compute it at run time")
        elif isinstance(node, ast.BinOp):
            v = _folded_int(node)
            if v is not None and abs(v) >= _BIG:
                _fail(path, node, f"an int constant of more than {MAX_INT_DIGITS} digits "
                      "(MicroPython's compiler folds this expression)", "compute it at run time")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ----------------------------------------------------------------------------- mpy-cross

_verdicts: dict = {}


def find_mpy_cross():
    """A built mpy-cross of the shared toolchain (``near-safe build --warm``), or None."""
    try:
        from ....builder._toolchain import cache_root
    except ImportError:  # pragma: no cover
        return None
    found = sorted((cache_root() / "toolchain").glob("*/build/mpy-cross/mpy-cross"),
                   key=lambda p: p.stat().st_mtime if p.exists() else 0)
    return found[-1] if found else None


def mpy_cross_verdict(source: str, path) -> str | None:
    """mpy-cross's error output for ``source`` (None: it compiles, or no mpy-cross is built).
    Cached in memory and on disk by the source's hash."""
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    if digest in _verdicts:
        return _verdicts[digest]
    tool = find_mpy_cross()
    if tool is None:
        return None
    cache = tool.parent.parent.parent.parent / "pymode-verdicts"
    mark = cache / digest
    if mark.is_file():
        text = mark.read_text()
        verdict = text[3:] if text.startswith("ERR") else None
    else:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="near_safe_mpy_") as tmp:
            src = Path(tmp) / os.path.basename(str(path))
            src.write_bytes(source.encode("utf-8", "surrogatepass"))
            run = subprocess.run([str(tool), "-o", str(Path(tmp) / "out.mpy"), str(src)],
                                 capture_output=True, text=True, errors="replace", check=False)
        verdict = None
        if run.returncode != 0:
            verdict = (run.stderr + run.stdout).strip() or f"exit code {run.returncode}"
        try:
            cache.mkdir(parents=True, exist_ok=True)
            mark.write_text("ERR" + verdict if verdict is not None else "OK")
        except OSError:
            pass
    _verdicts[digest] = verdict
    return verdict


def check_build(source: str, tree: ast.AST, path) -> None:
    """Refuse ``source`` (the contract or a local module, parsed as ``tree``) as the Wasm
    build does: BuildError."""
    check_constants(tree, path)
    verdict = mpy_cross_verdict(source, path)
    if verdict is not None:
        from ....errors import BuildError

        raise BuildError(f"{path}: MicroPython's compiler (mpy-cross) refuses this module: "
                         f"{verdict.splitlines()[-1] if verdict else verdict}\n"
                         "change the code it names (e.g. super() outside a method) so that "
                         "MicroPython can compile it")


if sys.version_info < (3, 11):  # pragma: no cover
    raise ImportError("CPython mode needs Python 3.11+")
