"""A differential fuzzer between Wasm mode and CPython mode (issue 11, finding 5).  CPython only.

:func:`generate` writes small contracts (seeded, reproducible) whose methods each exercise one
family where CPython and MicroPython differ; :func:`run` calls every method in both modes of one
port and returns the divergences by family.  Used by tests/pymode/test_fuzz_modes.py (a fixed
budget) and bench/bench_divergence.py (divergences per 1,000 method runs by family).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

FAMILIES = ("operator", "order", "sort", "missing_name", "recursion", "heap", "import",
            "build")

_PRELUDE = '''import near
import json


def _t(label, fn):
    try:
        r = fn()
        near.log_utf8(label + " ok " + repr(r))
    except Exception as e:  # noqa: BLE001
        near.log_utf8(label + " " + type(e).__name__ + " " + str(e))


def _kw(**kw):
    return list(kw)


class _D(dict):
    pass


class _O:
    def __init__(self, names):
        for n in names:
            setattr(self, n, 1)


def _rec(n):
    if n <= 0:
        return 0
    return _rec(n - 1) + 1

'''

_OPERANDS = ["None", "1", "'a'", "b'x'", "[1]", "(2,)", "{1}", "{'k': 1}", "1.5", "True", "0",
             "''", "[]"]
_OPS = ["+", "-", "*", "/", "//", "%", "<", "<=", ">", "in", "&", "|", "**"]
_WORDS = ["a", "b", "m", "zebra", "apple", "owner_id", "x1", "x2", "amount", "token", "k",
          "receiver_id", "memo", "q", "tt", "id", "fee", "z9"]
_MISSING = ["format(1, 'x')", "vars()", "ascii('a')", "aiter", "anext", "breakpointhook",
            "exit", "quit", "copyright", "RecursionError", "UnicodeDecodeError",
            "FileNotFoundError", "ModuleNotFoundError", "TimeoutError", "Warning",
            "UnboundLocalError", "ExceptionGroup", "PermissionError"]
_REFUSED = ["1e39", "-5e38", "'\\ud800'", "10 ** 5000", "2 ** 20000"]
_IMPORTS = ["copy", "heapq", "bisect", "json", "re", "collections", "math", "struct",
            "binascii", "hashlib"]


def _operator(rng: random.Random) -> str:
    lines = []
    for i in range(rng.randint(2, 5)):
        kind = rng.random()
        if kind < 0.6:
            a, b = rng.choice(_OPERANDS), rng.choice(_OPERANDS)
            lines.append(f"    _t('op{i}', lambda: {a} {rng.choice(_OPS)} {b})")
        else:
            items = ", ".join(rng.choice(_OPERANDS) for _ in range(rng.randint(1, 3)))
            fn = rng.choice(["sum", "min", "max", "sorted"])
            lines.append(f"    _t('op{i}', lambda: {fn}([{items}]))")
    return "\n".join(lines)


def _order(rng: random.Random) -> str:
    words = rng.sample(_WORDS, rng.randint(2, 9))
    ints = [rng.randint(0, 300) for _ in range(rng.randint(2, 8))]
    w = repr(words)
    kind = rng.randrange(8)
    expr = [
        "list({" + ", ".join(repr(x) for x in words) + "})",
        f"list(set({w}))",
        "list({" + ", ".join(str(x) for x in ints) + "})",
        f"list({{x for x in {w}}})",
        f"list(dict.fromkeys({w}))",
        "_kw(" + ", ".join(f"{x}={i}" for i, x in enumerate(words) if x.isidentifier()) + ")",
        f"list(_O({w}).__dict__)",
        "list(_D(" + ", ".join(f"{x}={i}" for i, x in enumerate(words)) + "))",
    ][kind]
    extra = ""
    if kind in (0, 1) and rng.random() < 0.5:
        other = repr(set(rng.sample(_WORDS, 3)))
        op = rng.choice(["|", "&", "-", "^"])
        expr = f"list(set({w}) {op} {other})"
    return f"    near.value_return(repr({expr})){extra}"


def _sort(rng: random.Random) -> str:
    n = rng.randint(3, 25)
    mod = rng.randint(2, 5)
    rev = rng.random() < 0.4
    if rng.random() < 0.5:
        return (f"    items = [(i % {mod}, i) for i in range({n})]\n"
                f"    near.value_return(repr(sorted(items, key=lambda p: p[0], reverse={rev})))")
    return (f"    items = [({mod} - i % {mod}, str(i)) for i in range({n})]\n"
            f"    items.sort(key=lambda p: p[0], reverse={rev})\n"
            "    near.value_return(repr(items))")


def _missing_name(rng: random.Random) -> str:
    name = rng.choice(_MISSING)
    if name[0].isupper() and rng.random() < 0.5:
        return ("    try:\n        int('x')\n"
                f"    except {name}:\n        near.log_utf8('never')\n"
                "    except ValueError:\n        near.log_utf8('value error')")
    return f"    near.log_utf8('before')\n    _t('name', lambda: {name})"


def _recursion(rng: random.Random) -> str:
    depth = rng.choice([rng.randint(1040, 1070), rng.randint(10, 500), 3000])
    if rng.random() < 0.3:
        return (f"    try:\n        _rec({depth})\n    except Exception:  # noqa: BLE001\n"
                "        near.log_utf8('caught')\n    near.value_return('after')")
    return f"    near.value_return(str(_rec({depth})))"


def _heap(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        n = rng.choice([1000, 10000, 20000, 28000, 40000, 100000])
        return f"    x = 'x' * {n}\n    near.value_return(str(len(x)))"
    if kind == 1:
        n = rng.choice([100, 1000, 3000, 5000, 10000])
        return f"    near.value_return(str(len(list(range({n})))))"
    if kind == 2:
        steps, width = rng.choice([10, 30, 60, 100]), rng.choice([5, 10, 30])
        return (f"    s = ''\n    for i in range({steps}):\n        s += '{'y' * width}'\n"
                "    near.value_return(str(len(s)))")
    if kind == 3:
        n = rng.choice([50, 200, 400, 600, 1000])
        return (f"    data = json.loads('[' + ','.join(['[]'] * {n}) + ']')\n"
                "    near.value_return(str(len(data)))")
    n = rng.choice([100, 300, 500, 800])
    return (f"    for i in range({n}):\n        x = 'z' * 30\n"
            "    near.value_return('done')")


def _import(rng: random.Random) -> str:
    name = rng.choice(_IMPORTS)
    return f"    import {name}\n    near.value_return('{name} ok')"


_MAKERS = {"operator": _operator, "order": _order, "sort": _sort,
           "missing_name": _missing_name, "recursion": _recursion, "heap": _heap,
           "import": _import}


@dataclass
class Contract:
    path: Path
    methods: dict  # method name -> family
    refused: bool  # carries a literal the Wasm build refuses (family "build")


def generate(folder: Path, seed: int, n_contracts: int, n_methods: int,
             families=FAMILIES) -> list:
    """Write ``n_contracts`` contracts of ``n_methods`` methods each into ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text('[project]\nname = "fuzz"\nversion = "0.1.0"\n')
    method_families = [f for f in families if f != "build"]
    contracts = []
    for c in range(n_contracts):
        refused = "build" in families and rng.random() < 0.15
        parts = [_PRELUDE]
        if refused:
            parts.append(f"REFUSED = {rng.choice(_REFUSED)}\n\n")
        methods = {}
        for m in range(n_methods):
            family = method_families[m % len(method_families)]
            name = f"m{m}_{family}"
            methods[name] = "build" if refused else family
            parts.append(f"\n@near.export\ndef {name}():\n{_MAKERS[family](rng)}\n\n")
        path = folder / f"fuzz_{seed}_{c}.py"
        path.write_text("".join(parts))
        contracts.append(Contract(path, methods, refused))
    return contracts


@dataclass
class Divergence:
    family: str
    contract: Path
    method: str
    wasm: dict
    python: dict


@dataclass
class Report:
    runs: dict = field(default_factory=dict)  # family -> method runs
    divergences: list = field(default_factory=list)

    def per_thousand(self) -> dict:
        out = {}
        for family, runs in self.runs.items():
            n = sum(1 for d in self.divergences if d.family == family)
            out[family] = (runs, n, 1000 * n / runs if runs else 0.0)
        return out


def _observe(out) -> dict:
    return {"status": out.status, "value": out.raw_value, "logs": list(out.logs),
            "error": out.error}


def run(contracts: list, port=None, flag_nlr: bool = False) -> Report:
    """Call every method of ``contracts`` in Wasm mode and CPython mode of ``port`` (None: the
    builder's default) and collect the divergences.  ``flag_nlr`` False: CPython mode does not
    fail calls that catch a builtin's exception (the generated methods catch to report error
    types; the flag is tested on its own)."""
    from ....errors import BuildError
    from ... import Runtime
    from ._mpport import resolve_port

    py_port = resolve_port(port)
    if not flag_nlr:
        py_port = py_port.replace(flag_nlr=False)
    runtimes = {"wasm": Runtime(mode="wasm", port=port), "python": Runtime(mode="python",
                                                                           port=py_port)}
    users = {m: rt.create_account("fuzz.near", balance=10**30) for m, rt in runtimes.items()}
    report = Report()
    for i, contract in enumerate(contracts):
        deployed, refused = {}, {}
        for mode, rt in runtimes.items():
            try:
                deployed[mode] = rt.deploy(f"c{i}.near", contract.path, balance=10**26)
                refused[mode] = None
            except BuildError as exc:
                refused[mode] = str(exc).splitlines()[0]
        for method, family in contract.methods.items():
            report.runs[family] = report.runs.get(family, 0) + 1
            seen = {}
            for mode in runtimes:
                if refused[mode] is not None:
                    seen[mode] = {"status": "build refused"}
                else:
                    try:  # CPython mode loads (and refuses) a contract at its first call
                        seen[mode] = _observe(users[mode].call(deployed[mode], method, b"",
                                                                gas=300 * 10**12))
                    except BuildError:
                        refused[mode] = "refused"
                        seen[mode] = {"status": "build refused"}
            if seen["wasm"] != seen["python"]:
                report.divergences.append(Divergence(family, contract.path, method,
                                                     seen["wasm"], seen["python"]))
    return report
