"""Contracts that ran into nearc's MicroPython port defects (see docs/micropython.md)."""
import gc
import json

import near
from near_sdk_py import call, view


def _loads_or_none(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _int_or_none(text):
    try:
        return int(text)
    except ValueError:
        return None


def _get_or_none(d, key):
    try:
        return d[key]
    except KeyError:
        return None
    except TypeError:  # plain nearc's port raises TypeError for a missing key
        return None


def _deep(depth, text):
    if depth == 0:
        return _loads_or_none(text)
    value = _deep(depth - 1, text)
    extra = _int_or_none(f"x{depth}")
    return [value, extra, depth]


@view
def caught_then_builtin(rounds: int):
    """json.loads errors caught in a frame that returns, then a C builtin.  The heap in use
    stays far below 32,000 bytes (the value returned), so a trap here is the nlr chain."""
    for _ in range(rounds):
        _loads_or_none("not json")
    return gc.mem_alloc()


@view
def caught_builtin_exceptions(rounds: int):
    """C-raised exceptions caught in frames that then return, in loops and nested."""
    seen = 0
    for i in range(rounds):
        if _loads_or_none(f"not json {i}") is None:
            seen += 1
        if _int_or_none("x") is None:
            seen += 1
        if _get_or_none({"a": 1}, "missing") is None:
            seen += 1
        seen += len(_deep(8, "{bad"))
        s = f"after {i}"  # work that reuses the stack after the catches
        seen += len([c for c in s])
    return seen


def _kind(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001  the type is what is observed
        return type(e).__name__
    return "no error"


@view
def import_missing(rounds: int):
    """Failed imports, caught (by type name: ImportError under CPython)."""
    seen = []
    for i in range(rounds):
        try:
            __import__(f"no_such_module_{i}")
        except ImportError:
            seen.append("ImportError")
        except OSError:  # plain nearc's port: the last exception raised, ENOENT
            seen.append("OSError")
    return seen


@view
def exception_types():
    d = {"a": 1}
    return {
        "None + 1": _kind(lambda: None + 1),
        "'a' + 1": _kind(lambda: "a" + 1),
        "[1] + (2,)": _kind(lambda: [1] + (2,)),
        "sum(['a'])": _kind(lambda: sum(["a"])),
        "sorted([1, 'a'])": _kind(lambda: sorted([1, "a"])),
        "d[missing]": _kind(lambda: d["missing"]),
        "int('x')": _kind(lambda: int("x")),
        "1 / 0": _kind(lambda: 1 / 0),
        "[][1]": _kind(lambda: [][1]),  # noqa: PLE0643
    }


@view
def undefined_names():
    """Names this port lacks (or a typo) inside try: NameError, as CPython for a typo."""
    return [
        _kind(lambda: undefined_name_xyz),  # noqa: F821
        _kind(lambda: format(1, "x")),  # a builtin MicroPython lacks
        _kind(lambda: vars()),
    ]


@view
def except_clause_naming_a_missing_class():
    try:
        int("x")
    except UnicodeDecodeError:  # a class this port lacks
        return "UnicodeDecodeError"
    except ValueError:
        return "ValueError"


@view
def heap_size():
    return gc.mem_alloc() + gc.mem_free()


@view
def garbage(n: int, size: int):
    total = 0
    for i in range(n):
        total += len(bytes(size))
    return total


@view
def big_string(n: int):
    return len("x" * n)


@view
def int_list(n: int):
    return sum(list(range(n)))


@view
def concat(steps: int):
    s = ""
    for i in range(steps):
        s += f"step {i};"
    return len(s)


@view
def collect():
    before = gc.mem_alloc()
    junk = [bytes(40) for _ in range(200)]
    del junk
    gc.collect()
    return [before, gc.mem_alloc(), gc.mem_free()]


@view
def allocate_beyond_memory(n: int):
    try:
        return len(bytes(n))
    except MemoryError:  # never reached in the Wasm: the port cannot unwind a failed malloc
        return "caught"


@call
def noop():
    near.value_return("ok")
