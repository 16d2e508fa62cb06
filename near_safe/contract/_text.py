"""An answer that is not JSON, as ``Result.value`` gives it (contract side, MicroPython-safe;
imported only when a callback reads such an answer).

near-sdk-py 1.0.0 sends a method's str result as raw UTF-8, not JSON (``ValueReturn.string``),
so a near_safe callback calling a near-sdk-py contract gets ``hello`` where a JSON answer would
be ``"hello"``.  ``text`` gives it back as the str the callee returned.  The check comes first:
MicroPython's ``bytes.decode`` raises on text that is not UTF-8, and an exception raised by a
builtin must never be caught inside near_safe (platform.md).
"""


def text(raw):
    """``raw`` decoded when it is UTF-8 as CPython decodes it (no overlong forms, no encoded
    surrogates, nothing above U+10FFFF), else ``raw`` itself (bytes, as near-sdk-py's
    ``PromiseResult.data``)."""
    n = len(raw)
    if max(raw) < 128:  # ASCII: one C call, no walk
        return raw.decode()
    k = 0
    while k < n:
        c = raw[k]
        k += 1
        if c < 128:
            continue
        lo, hi = 0x80, 0xBF
        if 0xC2 <= c <= 0xDF:
            m = 1
        elif 0xE0 <= c <= 0xEF:
            m = 2
            if c == 0xE0:
                lo = 0xA0
            elif c == 0xED:
                hi = 0x9F
        elif 0xF0 <= c <= 0xF4:
            m = 3
            if c == 0xF0:
                lo = 0x90
            elif c == 0xF4:
                hi = 0x8F
        else:
            return raw
        if k + m > n or not lo <= raw[k] <= hi:
            return raw
        for j in range(k + 1, k + m):
            if raw[j] & 0xC0 != 0x80:
                return raw
        k += m
    return raw.decode()
