"""contract/_text.py against CPython's own UTF-8 decoder, on many byte strings (the compiled
contract runs the representative cases: test_answers_and_collections.py)."""

import random

from near_safe.contract._text import text

PIECES = [b"a", b"~", b"\n", b"\x00", b"\x7f", b"\x80", b"\xbf", b"\xc0", b"\xc1", b"\xc2",
          b"\xdf", b"\xe0", b"\xe0\xa0", b"\xed", b"\xed\x9f", b"\xed\xa0", b"\xef", b"\xf0",
          b"\xf0\x90", b"\xf4", b"\xf4\x8f", b"\xf4\x90", b"\xf5", b"\xff",
          "\u00e9".encode(), "\u20ac".encode(), "\U0001F600".encode(), "\U0010FFFF".encode()]


def cpython(raw):
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw


def test_text_decodes_exactly_what_cpython_decodes():
    rng = random.Random(14)
    for _ in range(20000):
        raw = b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
        got = text(raw)
        assert got == cpython(raw) and type(got) is type(cpython(raw)), raw
