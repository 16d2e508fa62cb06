"""Issue 11's families where CPython and MicroPython differ: each method reports what it saw, so
that a test can require CPython mode to report what the Wasm does (test_port_models.py)."""

import near


def _log(s):
    near.log_utf8(s)


def _t(label, fn):
    try:
        r = fn()
        _log(label + " ok " + repr(r))
    except Exception as e:  # noqa: BLE001  reports any exception
        _log(label + " " + type(e).__name__ + " " + str(e))


@near.export
def operator_errors():
    _t("none_add", lambda: None + 1)
    _t("str_int", lambda: "a" + 1)
    _t("list_tuple", lambda: [1] + (2,))
    _t("sum", lambda: sum(["a"]))
    _t("sorted", lambda: sorted([1, "a"]))
    _t("lt", lambda: 1 < "a")
    _t("mul", lambda: "a" * "b")
    _t("min", lambda: min(1, "a"))
    _t("sub", lambda: {1} - [1])
    _t("bytes_str", lambda: b"a" + "a")


@near.export
def orders():
    out = [list({"b", "a", "zebra", "apple", "m", "owner_id"})]
    t = set()
    for w in ["b", "a", "zebra", "apple", "m", "owner_id", "x1", "x2", "x3"]:
        t.add(w)
    out.append(list(t))
    out.append(list({5, 3, 17, 1, 100, 2}))
    out.append(list({w for w in ["q", "r", "s", "tt"]}))
    s = {"b", "a", "zebra", "apple", "m", "owner_id"}
    out.append(list(s | {"c", "d"}))
    out.append(list(s & {"zebra", "m", "a"}))
    out.append(list(s - {"zebra"}))
    out.append(list(dict.fromkeys(["b", "a", "zebra", "apple"])))
    out.append(_kw(zeta=1, alpha=2, owner=3, m=4, b=5))
    d = _D()
    for k in ["zeta", "alpha", "owner", "m", "b"]:
        d[k] = 1
    out.append(list(d))
    out.append(list(_O().__dict__))
    near.value_return(repr(out))


def _kw(**kw):
    return list(kw)


class _D(dict):
    pass


class _O:
    def __init__(self):
        self.zeta = 1
        self.alpha = 2
        self.owner = 3
        self.m = 4


@near.export
def sorts():
    items = [(i % 3, i) for i in range(20)]
    out = [sorted(items, key=lambda p: p[0])]
    out.append(sorted(items, key=lambda p: p[0], reverse=True))
    lst = list(items)
    lst.sort(key=lambda p: p[1] % 4)
    out.append(lst)
    near.value_return(repr(out))


@near.export
def missing_name():
    _log("before")
    try:
        format(1, "x")
    except Exception:  # noqa: BLE001  the Wasm traps anyway
        _log("caught")


@near.export
def missing_exception_class():
    try:
        int("x")
    except UnicodeDecodeError:
        _log("never")
    except ValueError:
        _log("never either")


def _rec(n):
    if n <= 0:
        return 0
    return _rec(n - 1) + 1


@near.export
def recurse():
    near.value_return(str(_rec(int(near.input()))))


@near.export
def recurse_caught():
    try:
        _rec(5000)
    except Exception:  # noqa: BLE001  the Wasm's stack overflowed: no catching
        _log("caught")
    near.value_return("after")


@near.export
def big_str():
    try:
        x = "x" * 40000
    except MemoryError:
        x = ""
    near.value_return(str(len(x)))


@near.export
def steps():
    s = ""
    for _ in range(100):
        s += "0123456789" * 3
    near.value_return(str(len(s)))


@near.export
def int_list():
    near.value_return(str(len(list(range(5000)))))


def _parse(text):
    try:
        return int(text)
    except ValueError:
        return None


@near.export
def caught_builtin():
    near.value_return(repr(_parse("zz")))


def _own(text):
    if not text.isdigit():
        raise ValueError("not a number")
    return int(text)


@near.export
def caught_own_raise():
    try:
        _own("zz")
    except ValueError:
        near.value_return("caught")


@near.export
def import_copy():
    import copy  # noqa: F401

    near.value_return("imported")


@near.export
def import_ssl():
    import ssl  # noqa: F401

    near.value_return("imported")
