"""nearc's ``main.c`` in CPython mode: the log buffer behind stdout and stderr, ``print``, and
MicroPython's way of printing an uncaught exception.  CPython only.
"""

from __future__ import annotations

import builtins
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._modnear import NearHost

# ------------------------------------------------------------ main.c's stdout/stderr buffer

LOG_LINE_MAX = 119  # main.c: char log_buffer[120]; flushed before it would hold 120 bytes


class LogBuffer:
    """``log_buffer_append`` / ``log_buffer_flush`` of nearc's ``main.c``: bytes written to
    stdout or stderr collect in a 120-byte buffer that becomes one ``log_utf8`` per line (or per
    119 bytes of a longer line); a ``\\n`` flushes and is dropped, empty lines are not logged."""

    def __init__(self, host: NearHost):
        self._host = host
        self._buf = bytearray()

    def write_bytes(self, data: bytes) -> None:
        buf = self._buf
        start, n = 0, len(data)
        while start < n:
            nl = data.find(b"\n", start)
            end = n if nl < 0 else nl
            while start < end:
                # main.c flushes a full buffer when the NEXT byte comes, before appending it
                room = LOG_LINE_MAX - len(buf)
                if room <= 0:
                    self.flush()
                    room = LOG_LINE_MAX
                stop = min(start + room, end)
                buf += data[start:stop]
                start = stop
            if nl < 0:
                break
            self.flush()
            start = nl + 1

    def flush(self) -> None:
        if self._buf:
            data = bytes(self._buf)
            self._buf.clear()
            self._host.log_utf8(data)


class _LogStream:
    """``sys.stdout``/``sys.stderr`` during a call.  MicroPython's text streams are "cooked":
    ``\\n`` goes out as ``\\r\\n`` (so a line logged through ``sys.stdout.write`` ends with
    ``\\r``, as seen in Wasm mode), into main.c's log buffer."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, log: LogBuffer):
        self._log = log

    def write(self, text: str) -> int:
        self._log.write_bytes(text.replace("\n", "\r\n").encode("utf-8", "surrogatepass"))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:  # main.c flushes only on newline, when full and at the end
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


_real_print = builtins.print


def _mp_print(*args, sep=" ", end="\n", file=None, flush=False):
    """``print`` inside nearc's Wasm: its output never reaches the logs (measured: print to
    stdout or stderr logs nothing, while ``sys.stdout.write`` does).  The arguments are still
    converted with ``str`` (their ``__str__`` runs).  A print to another file object works."""
    if file is None or isinstance(file, _LogStream):
        for arg in args:
            str(arg)
        return None
    return _real_print(*args, sep=sep, end=end, file=file, flush=flush)



# ------------------------------------------------------- MicroPython's exception printing

_NEAR_SAFE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
_STDLIB_DIRS = tuple(
    os.path.join(os.path.realpath(p), "")
    for p in {__import__("sysconfig").get_paths()[k] for k in ("stdlib", "platstdlib")}
)


def _frozen_source_name(filename: str, module_name, contract) -> str | None:
    """The name MicroPython's traceback shows for a frame (the frozen module's path relative
    to its base, e.g. ``near_sdk_py/decorators.py``), or None for a frame MicroPython would not
    have (CPython's own library, the simulator)."""
    if filename == contract.path:
        return contract.frozen_name
    if filename.startswith(contract.dir_prefix):
        return filename[len(contract.dir_prefix):].replace(os.sep, "/")
    if filename.startswith("<"):
        return None
    if filename.startswith(os.path.join(_NEAR_SAFE_DIR, "")):
        rel = filename[len(_NEAR_SAFE_DIR) + 1:].replace(os.sep, "/")
        # only the contract side is frozen into the Wasm (docs/architecture.md), its root as
        # near_safe/__init__.py
        if rel == "_root.py":
            return "near_safe/__init__.py"
        return "near_safe/" + rel if rel.startswith("contract/") else None
    real = os.path.realpath(filename)
    if real.startswith(_STDLIB_DIRS) and "-packages" + os.sep not in real:
        return None
    if not module_name:
        return os.path.basename(filename)
    tail = "/__init__.py" if os.path.basename(filename) == "__init__.py" else ".py"
    return module_name.replace(".", "/") + tail


def _mp_exception_text(exc: BaseException) -> str:
    """``mp_obj_print_helper(exc, PRINT_EXC)``: ``Name: arg`` (str of a single argument, the
    tuple's repr for several, nothing for none)."""
    args = exc.args
    if isinstance(exc, OSError) and args and type(args[0]) is int:
        text = str(exc)  # MicroPython's errno form: [Errno 2] ENOENT
    elif not args:
        text = ""
    elif len(args) == 1:
        text = str(args[0])
    else:
        text = repr(tuple(args))
    return f"{type(exc).__name__}: {text}"


def format_mp_exception(exc: BaseException, tb, contract) -> str:
    """``mp_obj_print_exception``: MicroPython's traceback format, frames outermost first."""
    lines = []
    overrides = getattr(exc, "mp_lines", None) or {}
    while tb is not None:
        frame = tb.tb_frame
        name = _frozen_source_name(frame.f_code.co_filename, frame.f_globals.get("__name__"),
                                   contract)
        if name is not None:
            line = overrides.get(id(frame), tb.tb_lineno)
            lines.append(f'  File "{name}", line {line}, in {frame.f_code.co_name}\n')
        tb = tb.tb_next
    lines += getattr(exc, "mp_extra_frames", ())
    head = "Traceback (most recent call last):\n" if lines else ""
    return head + "".join(lines) + _mp_exception_text(exc) + "\n"


NEAR_ABORT_LINE = b"NEAR_ABORT() called by handle_uncaught_exception() (main.c:143), terminating\n"
