"""Escaping every value that reaches generated code or the terminal (CPython only).

Receipt method names, arguments, panic messages and account ids come from the contracts under
exploration, some of them third-party: NEAR limits a method name's length, not its characters.
So a value is printed as is only when it is plain (printable, no quote, no backslash, no
``#``); otherwise as its ``repr`` (control characters, line separators and quotes escaped), and
a whole report is passed through :func:`clean_terminal` before it is printed.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[A-Za-z0-9_.\-:@/+=<>(),;!?$%&*^~|\[\]{} ]*\Z")
# characters that must never reach a terminal raw: C0/C1 controls (but \n), DEL, line and
# paragraph separators, bidi overrides and other format characters
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                     "\ufeff\ufff9-\ufffb\ud800-\udfff]")


def shown(value) -> str:
    """``value`` for a comment, a log line or a message: as is when plain, else ``repr``."""
    text = value if isinstance(value, str) else str(value)
    if _PLAIN.match(text):
        return text
    return ascii(text) if _UNSAFE.search(text) else repr(text)


def clean_terminal(text: str) -> str:
    """``text`` with every unsafe character (see _UNSAFE) written as a ``\\x..``/``\\u....``
    escape; newlines are kept."""
    return _UNSAFE.sub(lambda m: ascii(m.group())[1:-1], text)
