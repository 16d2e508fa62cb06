"""An answer that is not JSON, as ``Result.value`` gives it (contract side, MicroPython-safe;
imported only when a callback reads such an answer).

near-sdk-py 1.0.0 sends a method's str result as raw UTF-8, not JSON (``ValueReturn.string``),
so a near_safe callback calling a near-sdk-py contract gets ``hello`` where a JSON answer would
be ``"hello"``.  ``text`` gives it back as the str the callee returned.  The check comes first:
MicroPython's ``bytes.decode`` raises on text that is not UTF-8, and an exception raised by a
builtin must never be caught inside near_safe (platform.md).
"""

from .. import _utf8  # the UTF-8 rule, shared with the root's JSON string check


def text(raw):
    """``raw`` decoded when it is UTF-8 as CPython decodes it (no overlong forms, no encoded
    surrogates, nothing above U+10FFFF), else ``raw`` itself (bytes, as near-sdk-py's
    ``PromiseResult.data``)."""
    if max(raw) < 128:  # ASCII: one C call, no walk
        return raw.decode()
    n = len(raw)
    k = 0
    while k < n:
        c = raw[k]
        k += 1
        if c > 127:
            k = _utf8(raw, k, c, n)
            if k < 0:
                return raw
    return raw.decode()
