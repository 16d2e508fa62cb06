"""Build progress on stderr: one line per stage with its elapsed time (CPython only).

``progress`` arguments across the builder accept:

* ``None`` or ``True``: print to stderr (the default, so a slow first build is never silent);
* ``False``: quiet;
* a callable ``f(message: str)``: receives each line (tests and other tools route it).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


class Progress:
    """Stage-by-stage reporter.  ``stage(name)`` closes the previous stage with its time."""

    def __init__(self, sink: Callable[[str], None] | None, label: str):
        self._sink = sink
        self._label = label
        self._start = time.monotonic()
        self._stage: str | None = None
        self._stage_start = self._start

    @classmethod
    def make(cls, progress, label: str) -> Progress:
        if isinstance(progress, Progress):
            return progress
        if progress is False:
            return cls(None, label)
        if progress is None or progress is True:
            return cls(_default[0], label)
        if callable(progress):
            return cls(progress, label)
        raise TypeError("progress must be None, a bool or a callable taking one str")

    def say(self, message: str) -> None:
        if self._sink is not None:
            self._sink(f"near-safe build: {self._label}: {message}")

    def stage(self, name: str) -> None:
        self.end_stage()
        self._stage = name
        self._stage_start = time.monotonic()

    def end_stage(self) -> None:
        if self._stage is not None:
            self.say(f"{self._stage} ({time.monotonic() - self._stage_start:.1f}s)")
            self._stage = None

    def heartbeat(self, detail: str) -> None:
        """A long stage still running (printed at most every few seconds by the caller)."""
        if self._stage is not None:
            self.say(f"{self._stage}: {detail} ({time.monotonic() - self._stage_start:.0f}s)")

    def done(self, message: str) -> None:
        self.end_stage()
        self.say(f"{message} ({time.monotonic() - self._start:.1f}s total)")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._start


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


_default = [_stderr]  # where progress=None/True goes


def set_progress_sink(sink: Callable[[str], None] | None) -> Callable[[str], None]:
    """Route the default progress (``progress=None``/``True``) to ``sink`` (None: back to
    stderr); returns the previous sink.  The pytest plugin shows builds on the terminal."""
    previous, _default[0] = _default[0], sink or _stderr
    return previous
