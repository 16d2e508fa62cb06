"""near_safe's contract-side API as the checker sees it, read from its source with ``ast``.

The contract side is written for MicroPython and is never imported here; its signatures are
read statically, so the checker follows near_safe when a parameter is added or moved.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent

#: What near_safe 0.x's safe_call took when its source cannot be read (a stripped install):
#: receiver, function and args by position, every option by keyword.
_FALLBACK_POSITIONAL = ("receiver", "function", "args")
_FALLBACK_KEYWORDS = ("deposit", "gas", "then", "then_args", "callback_gas", "caller", "refund",
                      "credit", "debit", "lock", "claimable", "own_gas")


def _function(path: Path, name: str) -> ast.FunctionDef | None:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
            return stmt
    return None


@lru_cache(maxsize=1)
def safe_call_params() -> dict:
    """``safe_call``'s parameters: name -> position when it may be passed by position, None
    when only by keyword. The public ``near_safe.safe_call`` gives the positions; when it
    forwards ``**options`` to ``near_safe.contract._promise.safe_call`` the keywords are that
    function's parameters."""
    public = _function(_ROOT / "_root.py", "safe_call")  # the contract side's root
    inner = _function(_ROOT / "contract" / "_promise.py", "safe_call")
    if public is None:
        public = inner
    if public is None:
        out = {n: i for i, n in enumerate(_FALLBACK_POSITIONAL)}
        out.update({n: None for n in _FALLBACK_KEYWORDS})
        return out
    a = public.args
    out = {p.arg: i for i, p in enumerate(a.posonlyargs + a.args)}
    out.update({p.arg: None for p in a.kwonlyargs})
    if a.kwarg is not None:
        if inner is None:
            out.update({n: None for n in _FALLBACK_KEYWORDS if n not in out})
        else:
            b = inner.args
            for p in b.posonlyargs + b.args + b.kwonlyargs:
                out.setdefault(p.arg, None)
    return out
