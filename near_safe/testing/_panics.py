"""``panics``: assert that a call panics with a given message (titanoboa's ``reverts``).

    from near_safe.testing import panics

    with panics("not enough balance"):
        alice.call(vault, "withdraw", {"amount": 10**30})

    with panics(match=r"amount \\d+ too large") as p:      # re.search on the message
        vault.call(vault, "withdraw", {"amount": 10**30})
    p.outcome.logs                                          # the transaction that panicked

Calls on this runtime return an outcome instead of raising, so ``panics`` watches the
transactions the block runs (``alice.call``, ``contract.call``, ``execute``, ``transfer``,
``submit`` + ``tx.outcome()``) and checks the LAST one; a view that panics raises
:class:`~near_safe.errors.ExecutionFailure`, which ``panics`` catches and checks.

The *panic message* is what the contract passed to ``panic_utf8`` (nearcore's error without its
``Smart contract panicked: `` prefix).  ``panics(message)`` matches it exactly; for an uncaught
exception near_sdk_py panics with ``Unexpected error: <str(exception)>``, and
``panics("<str(exception)>")`` matches that too.  ``panics(match=pattern)`` uses ``re.search``
(a substring: ``match=re.escape(part)``); ``panics()`` accepts any panic.  The check passes if
any receipt of the transaction's tree panicked with a matching message (a callee's panic counts
even when a callback handled it).  Otherwise it raises ``AssertionError`` saying what happened:
"the call succeeded" with its value and logs, a failure that is not a panic (e.g. MethodNotFound,
GasExceeded), or the panics that did not match, with the logs and the receipt tree.
"""

from __future__ import annotations

import re

from ..errors import ExecutionFailure
from ._handles import TxHandle

PANIC_PREFIX = "Smart contract panicked: "
SDK_PREFIX = "Unexpected error: "  # near_sdk_py's wrapper for an uncaught exception

_recorders: list = []  # one list of seen TxOutcomes per open ``panics`` block
_original_outcome = None


def _recording_outcome(handle):
    out = _original_outcome(handle)
    if out.done:
        for seen in _recorders:
            if seen and seen[-1].tx_hash == out.tx_hash:
                seen[-1] = out
            else:
                seen.append(out)
    return out


def _install():
    global _original_outcome
    if not _recorders:
        _original_outcome = TxHandle.outcome
        TxHandle.outcome = _recording_outcome


def _uninstall():
    global _original_outcome
    if not _recorders and _original_outcome is not None:
        TxHandle.outcome = _original_outcome
        _original_outcome = None


class panics:
    """Context manager: the block's last transaction (or a view in it) must panic with a
    message matching ``message`` (exact) or ``match`` (``re.search``); see the module doc."""

    def __init__(self, message: str | None = None, *, match: str | re.Pattern | None = None):
        if message is not None and match is not None:
            raise TypeError("panics(): give the exact message or match=pattern, not both")
        if message is not None and not isinstance(message, str):
            raise TypeError(f"panics({message!r}): the message is a str (use match= for a "
                            "regular expression)")
        self.message = message
        self.pattern = re.compile(match) if isinstance(match, str) else match
        self.outcome = None  # the TxOutcome (or view VMOutcome) that was checked
        self.panic = None  # the panic message that matched
        self._seen = None

    def __enter__(self):
        _install()
        self._seen = []
        _recorders.append(self._seen)
        return self

    def __exit__(self, exc_type, exc, tb):
        _recorders.remove(self._seen)
        _uninstall()
        if exc_type is not None:
            if issubclass(exc_type, ExecutionFailure) and exc.outcome is not None:
                self._check(exc.outcome)
                return True
            return False
        if not self._seen:
            raise AssertionError(f"{self._expected()}, but the block ran no transaction "
                                 "(call alice.call(...) / contract.call(...) inside it)")
        self._check(self._seen[-1])
        return False

    # ------------------------------------------------------------------ checking

    def _expected(self) -> str:
        if self.message is not None:
            return f"expected a panic {self.message!r}"
        if self.pattern is not None:
            return f"expected a panic matching {self.pattern.pattern!r}"
        return "expected a panic"

    def _matches(self, text: str) -> bool:
        if self.pattern is not None:
            return self.pattern.search(text) is not None
        if self.message is None:
            return True
        return text == self.message or (text.startswith(SDK_PREFIX)
                                        and text[len(SDK_PREFIX):] == self.message)

    def _check(self, outcome) -> None:
        self.outcome = outcome
        panics_seen, other_failures = _failures(outcome)
        for text in panics_seen:
            if self._matches(text):
                self.panic = text
                return
        logs = list(outcome.logs)
        if panics_seen:
            got = ", ".join(repr(t) for t in panics_seen)
            what = f"got panic {got}" if len(panics_seen) == 1 else f"got panics {got}"
        elif other_failures:
            what = "the call failed without a panic: " + "; ".join(other_failures)
        else:
            value = getattr(outcome, "value", None)
            what = f"the call succeeded (value={value!r})"
        raise AssertionError(f"{self._expected()}, but {what}\n  logs: {logs!r}\n"
                             f"  outcome: {outcome!r}")


def _failures(outcome):
    """(panic messages, other failures as 'Kind: message') of a TxOutcome or a VMOutcome."""
    panics_seen, others = [], []
    if getattr(outcome, "invalid", None):
        others.append(f"invalid transaction: {outcome.invalid}")
    if hasattr(outcome, "failures"):  # TxOutcome
        errors = [r.failure for r in outcome.failures]
    else:  # a view's VMOutcome
        errors = [outcome.aborted] if outcome.aborted is not None else []
    for err in errors:
        kind = err.detail or err.kind
        if kind == "GuestPanic":
            text = err.message
            panics_seen.append(text[len(PANIC_PREFIX):] if text.startswith(PANIC_PREFIX)
                               else text)
        else:
            others.append(f"{kind}: {err.message}")
    return panics_seen, others
