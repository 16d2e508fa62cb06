"""The 39 published sandbox gas rows of near-sdk-py 0.7.0, reproduced on the embedded runtime.

near-sdk-py 0.7.0's sdist ships four tables measured on a neard 2.4.0 sandbox (protocol 73)
with 10,000-element collections (``integration_tests/collections/performance_results/
*_performance_10000.md``: 39 rows in all, averages included).  This script runs the very test
files that wrote them (``integration_tests/collections/test_*_performance.py``) against the
embedded runtime at protocol 73: ``near_pytest.testing.NearTestCase`` is replaced by a small
stand-in on :class:`near_safe.testing.Runtime` (accounts ``<name>.test.near``, the contract
calling itself as near-pytest 0.7.1 does, arguments as py_near sends them - ``json.dumps``,
so ``{}`` for none -, ``sandbox_patch_state`` as ``Runtime.patch_state``), the contracts are
built with the toolchain of the day (bench_gas_calibration.py's venv: nearc 0.8.8 +
near-sdk-py 0.7.0), and each test writes its table as it did on the sandbox.  The published
"unordered_map" table was written by the UnorderedSet test (both write the same file name).

Printed: each row's published and simulated gas (Tgas) and their ratio, then how many rows lie
within 2 %.  No correction anywhere.

    python bench/bench_gas_calibration.py --setup   # once: the venv and the sdist (PyPI)
    python bench/bench_sdk_gas_table.py [--protocol 73] [--flat]

``--flat`` charges the old fixed estimate instead of the trie (2 nodes a write/remove), for
comparison.  ``--speed`` measures what the trie model costs per call instead: the same calls
(bench_runtime.py's ``ping``, one storage write, on an empty contract and on one holding
10,000 keys) alternately with the trie model and with the old fixed charge, in one process.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import os
import re
import sys
import tempfile
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_gas_calibration as cal  # noqa: E402 (after the path insert)

# published table -> (test file that wrote it, contract it built)
TABLES = {
    "lookup_map": ("test_lookup_map_performance.py", "lookup_map"),
    "lookup_set": ("test_lookup_set_performance.py", "lookup_set"),
    "unordered_map": ("test_unordered_set_performance.py", "unordered_set"),
    "vector": ("test_vector_performance.py", "vector"),
}
MASTER = "test.near"  # near-pytest 0.7.1's master account; create_account adds ".test.near"
BALANCE = 10**28  # near-pytest's initial_balance default (10,000 NEAR)
ATTACHED = 200 * 10**12  # py_near DEFAULT_ATTACHED_GAS
TG = 1e12


def rows(md: str) -> list:
    """[(operation, Tgas)] of a performance table, in order."""
    out = []
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"[\d.]+", cells[1] or "x"):
            out.append((cells[0], float(cells[1])))
    return out


def stand_in(rt_factory, wasms: dict):
    """A ``near_pytest.testing`` module whose NearTestCase drives the embedded runtime."""
    class Response:
        def __init__(self, value):
            self._value = value

        def json(self):
            return self._value

    class TxResult:
        def __init__(self, out):
            self.receipt_outcome = [types.SimpleNamespace(gas_burnt=r.gas_burnt)
                                    for r in out.receipts if not r.is_refund]
            self.out = out

    class Contract:
        def __init__(self, case, account):
            self.case, self.account_id = case, account.account_id
            self.account = account.handle

        def call(self, method_name, args=None, amount=0, gas=ATTACHED,
                 return_full_result=False):
            # py_near's function_call: json.dumps(args or {}) as the arguments
            raw = json.dumps(args or {}).encode()
            out = self.account.call(self.account, method_name, raw, amount, gas)
            if out.status != "success":
                raise AssertionError(f"{method_name}({raw!r}) failed: {out!r}")
            self.case.calls.append((method_name, raw, out))
            resp = Response(out.value)
            return (resp, TxResult(out)) if return_full_result else resp

    class Provider:
        def __init__(self, case):
            self.case = case

        def json_rpc(self, method, params):
            assert method == "sandbox_patch_state", method
            rt = self.case.rt
            per_account: dict = {}
            for rec in params["records"]:
                d = rec["Data"]
                per_account.setdefault(d["account_id"], {})[
                    base64.b64decode(d["data_key"])] = base64.b64decode(d["value"])
            for account_id, data in per_account.items():
                rt.patch_state(account_id, data=data)

    class NearTestCase:
        calls: list = []

        @classmethod
        def setup_class(cls):
            cls.rt = rt_factory()
            cls.master = cls.rt.create_account(MASTER, balance=100 * BALANCE)
            cls.calls = []
            cls._client = types.SimpleNamespace(
                _run_async=lambda x: x,
                _master_account=types.SimpleNamespace(provider=Provider(cls)))
            cls._sandbox = types.SimpleNamespace(dump_state=lambda: None)

        @classmethod
        def compile_contract(cls, path, single_file=False):
            return wasms[Path(path).stem]

        @classmethod
        def create_account(cls, name, initial_balance=None):
            handle = cls.rt.create_account(f"{name}.{MASTER}",
                                           balance=initial_balance or BALANCE)
            return types.SimpleNamespace(account_id=handle.id, handle=handle)

        @classmethod
        def deploy_contract(cls, account, wasm_path, init_args=None):
            cls.rt.deploy(account.account_id, Path(wasm_path).read_bytes())
            return Contract(cls, account)

        @classmethod
        def save_state(cls):
            cls._saved = cls.rt.snapshot()

        def reset_state(self):
            self.rt.restore(self._saved)

    mod = types.ModuleType("near_pytest.testing")
    mod.NearTestCase = NearTestCase
    return mod


def run_table(root: Path, table: str, wasms: dict, rt_factory) -> tuple:
    """Run the published test that wrote ``table``; returns (its rows, the calls made)."""
    test_file, _ = TABLES[table]
    src = (root / "integration_tests/collections" / test_file).read_text()
    fake = stand_in(rt_factory, wasms)
    saved = {k: sys.modules.get(k) for k in ("near_pytest", "near_pytest.testing")}
    sys.modules["near_pytest"] = types.ModuleType("near_pytest")
    sys.modules["near_pytest.testing"] = fake
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            os.chdir(tmp)
            ns: dict = {"__name__": f"_published_{table}"}
            exec(compile(src, test_file, "exec"), ns)  # noqa: S102  (the published test itself)
            cls = next(v for k, v in ns.items() if isinstance(v, type) and k.startswith("Test"))
            with contextlib.redirect_stdout(io.StringIO()):
                cls.setup_class()
                case = cls()
                for name in sorted(n for n in dir(cls) if n.startswith("test_")):
                    case.setup_method()
                    getattr(case, name)()
            md = next(Path(tmp, "performance_results").glob("*.md")).read_text()
        finally:
            os.chdir(cwd)
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v
    return rows(md), cls.calls


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--venv", type=Path, default=Path("/tmp/gasvenv"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/gascal"))
    ap.add_argument("--protocol", type=int, default=73, help="neard 2.4.0 runs protocol 73")
    ap.add_argument("--flat", action="store_true",
                    help="the old estimate: 2 trie nodes per write/remove, none cached")
    ap.add_argument("--limit", type=float, default=0.02, help="goal per row (default 2%%)")
    ap.add_argument("--speed", action="store_true",
                    help="time per call, trie model vs the fixed estimate (needs no venv)")
    ap.add_argument("--runs", type=int, default=300)
    a = ap.parse_args(argv)
    if a.speed:
        return speed(a.runs)
    root = cal.check_setup(a.venv, a.work)
    src = root / "integration_tests/contracts/collections"
    wasms, warm = {}, None
    for _, contract in TABLES.values():
        d = a.work / "2025-03" / contract
        wasms[contract] = cal.build(str(a.venv / "bin" / "python"), src / f"{contract}.py", d,
                                    warm)
        warm = warm or d

    from near_safe.testing import Runtime
    if a.flat:
        _flat_trie()

    def rt_factory():
        return Runtime(protocol=a.protocol)

    print(f"near-sdk-py 0.7.0 sandbox tables (neard 2.4.0) vs the embedded runtime at protocol "
          f"{a.protocol}{' (flat 2-node estimate)' if a.flat else ''}; Tgas per receipt")
    print(f"{'table':14s} {'operation':44s} {'published':>9s} {'simulated':>9s} {'ratio':>7s}")
    n = within = 0
    worst = (0.0, "")
    for table in TABLES:
        published = rows((root / "integration_tests/collections/performance_results"
                          / f"{table}_performance_10000.md").read_text())
        ours, _ = run_table(root, table, wasms, rt_factory)
        if [op for op, _ in ours] != [op for op, _ in published]:
            cal.fail(f"{table}: the test produced rows {[op for op, _ in ours]}, the published "
                     f"table has {[op for op, _ in published]}")
        for (op, pub), (_, sim) in zip(published, ours):
            ratio = sim / pub
            n += 1
            within += abs(ratio - 1) <= a.limit
            if abs(ratio - 1) > abs(worst[0]):
                worst = (ratio - 1, f"{table}: {op}")
            print(f"{table:14s} {op[:44]:44s} {pub:9.4f} {sim:9.4f} {ratio:7.4f}")
    print(f"\n{within} of {n} rows within {a.limit:.0%}; worst {worst[0]:+.2%} ({worst[1]})")
    return 0


def _flat_trie():
    """--flat: every write/remove pays 2 touching_trie_node, as before the trie model."""
    from near_safe.testing.vm.logic import VMLogic

    def fees(self, key, old):
        self.gas_counter.pay_per("touching_trie_node", self.ext_costs["touching_trie_node"], 2)

    VMLogic._trie_fees = fees


def speed(runs: int) -> int:
    """--speed: the same calls with the trie model and with the code it replaced (a fixed
    2-node charge, a plain dict copy, no chunk bookkeeping), alternating in one process."""
    import statistics
    import time

    import bench_runtime

    from near_safe.testing import NEAR, TGAS, Runtime
    from near_safe.testing.vm.logic import VMLogic

    trie = {k: VMLogic.__dict__[k] for k in ("_trie_fees", "_storage_for_write",
                                               "_storage_out", "storage_read")}

    def fixed_fees(self, key, old):
        self.gas_counter.pay_per("touching_trie_node", self.ext_costs["touching_trie_node"], 2)

    def plain_copy(self):
        if not self._storage_copied:
            self._storage = dict(self._storage)
            self._storage_copied = True
        return self._storage

    def as_is(self):
        return self._storage

    def read_without_chunk(self, key_len, key_ptr, register_id):
        self.is_view, view = True, self.is_view  # the read's cache step is skipped in views
        try:
            return trie["storage_read"](self, key_len, key_ptr, register_id)
        finally:
            self.is_view = view

    fixed = {"_trie_fees": fixed_fees, "_storage_for_write": plain_copy,
             "_storage_out": as_is, "storage_read": read_without_chunk}

    def use(methods):
        for k, v in methods.items():
            setattr(VMLogic, k, v)

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "caller.py")
        src.write_text(bench_runtime.CALLER)
        rt = Runtime()
        alice = rt.create_account("alice.near", balance=1000 * NEAR)
        contracts = {}
        for model in ("trie", "fixed"):  # one contract per model: each sees only its storages
            contracts["small", model] = rt.deploy(f"small-{model}.near", src, balance=10 * NEAR)
            contracts["big", model] = rt.deploy(f"big-{model}.near", src, balance=1000 * NEAR)
            rt.patch_state(contracts["big", model],
                           data={f"key{i:05d}": "v" * 32 for i in range(10_000)})
        models = (("trie", trie), ("fixed", fixed))
        rows = []
        for label, size in (("ping, empty contract", "small"), ("ping, 10,000 keys", "big")):
            samples = {"trie": [], "fixed": []}
            for model, methods in models * 2:  # warm both (the first trie call builds it)
                use(methods)
                alice.call(contracts[size, model], "ping", {"n": 1}, gas=30 * TGAS)
            for i in range(runs):
                for model, methods in models[::1 - 2 * (i % 2)]:
                    use(methods)
                    t0 = time.perf_counter()
                    out = alice.call(contracts[size, model], "ping", {"n": i}, gas=30 * TGAS)
                    samples[model].append(time.perf_counter() - t0)
                    assert out.status == "success", out
            use(trie)
            rows.append((label, statistics.median(samples["trie"]) * 1e3,
                         statistics.median(samples["fixed"]) * 1e3))
    print(f"time per call (median of {runs}, alternating in one process)")
    print(f"{'call':28s} {'trie ms':>8s} {'fixed ms':>9s} {'trie/fixed':>11s}")
    for label, t, f in rows:
        print(f"{label:28s} {t:8.3f} {f:9.3f} {t / f:11.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
