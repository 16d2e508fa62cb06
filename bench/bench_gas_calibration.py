"""Calibration of the embedded runtime's gas model against near-sdk-py's published sandbox data.

The one real datum the project has (shared/platform.md: "a trivial hello world near-sdk-py
method burnt 6.90 Tgas per receipt", March 2025) comes from near-sdk-py's own collection
performance tests (sdist ``integration_tests/collections/performance_results/*_10000.md``,
"hello world (baseline)" rows, run on 2025-03-20 with near-pytest 0.7.1, whose default
sandbox is neard 2.4.0).  The "hello world" there is not our tests/vm/contracts/hello.py: it
is ``hello()`` of a class-based contract holding a persistent collection, compiled with the
near-sdk-py of that day (0.7.0, whose decorator writes four DEBUG logs per call) and nearc
0.8.8 (released that day; its MicroPython port is byte-identical to the one installed here).

This script rebuilds exactly those contracts with that toolchain in a separate virtualenv,
replays each test's ``sandbox_patch_state`` records, runs the first ``hello`` call (the one the
tests measured) on our runtime, and prints our receipt gas next to the published figure.  For
comparison it also builds the same contracts with the main environment's near-sdk-py 1.0.0,
and measures our own trivial tests/vm/contracts/hello.py.  No correction factor anywhere.

    python bench/bench_gas_calibration.py --setup   # make the venv, fetch the sdist (once)
    python bench/bench_gas_calibration.py           # build (cached) and print the table

``--venv`` (default /tmp/gasvenv) and ``--work`` (default /tmp/gascal) choose the folders.
The first MicroPython build takes about 2 minutes on 2 cores, later ones 10-20 s each.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import types
from pathlib import Path

OLD_SDK = "near-sdk-py==0.7.0"  # current on 2025-03-20 (sdist CHANGELOG: v0.7.0 2025-03-20)
OLD_NEARC = "nearc==0.8.8"  # released 2025-03-20; near-sdk-py 0.7.0's uv.lock pins it
SDIST_NAME = "near_sdk_py-0.7.0"
CONTRACTS = ("lookup_map", "lookup_set", "unordered_map", "vector")
HELLO_ARGS = b""  # near-pytest's call(method_name="hello") sends no arguments
TG = 1e12

# Contracts between our trivial hello.py and the published one, to attribute the extra ops.
_S1 = """from near_sdk_py import call


@call
def hello():
    return {"Hello": "World"}
"""
_S2 = _S1.replace("call\n", "call\nfrom near_sdk_py.collections import LookupMap\n", 1)
_S3 = """from near_sdk_py import call
from near_sdk_py.collections import LookupMap
from near_sdk_py.contract import Contract


class C(Contract):
    @call
    def hello(self):
        return {"Hello": "World"}
"""
STEPS = (("s1_function_returning_dict", _S1), ("s2_plus_import_collections", _S2),
         ("s3_plus_contract_class", _S3))

_COMPILE = """
import sys
from pathlib import Path
import nearc
from nearc.builder import compile_contract
src, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
ok = compile_contract(src, out, Path(sys.prefix), Path(nearc.__file__).parent, False, True)
sys.exit(0 if ok else 1)
"""


def fail(msg: str) -> None:
    print(f"bench_gas_calibration: {msg}", file=sys.stderr)
    sys.exit(2)


# ------------------------------------------------------------------ set-up (venv + sdist)

def setup(venv: Path, work: Path) -> None:
    """Create the March-2025 toolchain venv and unpack near-sdk-py 0.7.0's sdist."""
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", OLD_NEARC, OLD_SDK],
                   check=True)
    sd = work / "sdist"
    sd.mkdir(parents=True, exist_ok=True)
    if not (sd / SDIST_NAME).is_dir():
        subprocess.run([str(venv / "bin" / "pip"), "download", "-q", "--no-deps",
                        "--no-binary", ":all:", "-d", str(sd), OLD_SDK], check=True)
        with tarfile.open(sd / f"{SDIST_NAME}.tar.gz") as tf:
            tf.extractall(sd, filter="data")


def check_setup(venv: Path, work: Path) -> Path:
    root = work / "sdist" / SDIST_NAME
    if not (venv / "bin" / "python").exists() or not root.is_dir():
        fail(f"no March-2025 toolchain in {venv} / sdist in {work}/sdist; "
             f"run with --setup first (needs PyPI)")
    got = subprocess.run([str(venv / "bin" / "python"), "-c",
                          ("import importlib.metadata as m;"
                           "print(m.version('nearc'), m.version('near-sdk-py'))")],
                         check=False, capture_output=True, text=True).stdout.split()
    want = [OLD_NEARC.split("==")[1], OLD_SDK.split("==")[1]]
    if got != want:
        fail(f"{venv} has nearc/near-sdk-py {got}, expected {want}; run with --setup")
    return root


# ------------------------------------------------------------------ published figures

def published_baselines(root: Path) -> dict:
    """{contract: (Tgas, date)} from the sdist's performance_results/*_10000.md files."""
    out = {}
    for md in sorted((root / "integration_tests/collections/performance_results")
                     .glob("*_performance_10000.md")):
        text = md.read_text()
        m = re.search(r"\|\s*hello world \(baseline\)\s*\|\s*([\d.]+)", text)
        d = re.search(r"Date/Time:\s*([\d-]+ [\d:]+)", text)
        if m:
            out[md.name.split("_performance")[0]] = (float(m.group(1)),
                                                      d.group(1) if d else "?")
    return out


def patch_records(root: Path, contract: str, account_id: str) -> dict:
    """The storage records the published test wrote with ``sandbox_patch_state`` before its
    hello call: its own ``patch_*_storage`` method is run with the RPC call captured (the
    sandbox is not available here), so the state matches the test's byte for byte."""
    src = (root / f"integration_tests/collections/test_{contract}_performance.py").read_text()
    captured = {}

    class _Provider:
        @staticmethod
        def json_rpc(method, params):
            assert method == "sandbox_patch_state"
            captured["records"] = params["records"]

    class _Client:
        _master_account = types.SimpleNamespace(provider=_Provider)

        @staticmethod
        def _run_async(x):
            return x

    class _Account:
        pass

    class NearTestCase:
        _client = _Client()

        def __getattr__(self, name):
            acc = _Account()
            acc.account_id = account_id
            return acc

    fake = types.ModuleType("near_pytest.testing")
    fake.NearTestCase = NearTestCase
    saved = {k: sys.modules.get(k) for k in ("near_pytest", "near_pytest.testing")}
    sys.modules["near_pytest"] = types.ModuleType("near_pytest")
    sys.modules["near_pytest.testing"] = fake
    try:
        ns: dict = {"__name__": f"_published_{contract}"}
        # the published test file itself (from the sdist), run only to capture its records
        exec(compile(src, f"test_{contract}_performance.py", "exec"), ns)  # noqa: S102
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    cls = next(v for k, v in ns.items() if isinstance(v, type) and k.startswith("Test"))
    patch = next(getattr(cls, n) for n in dir(cls) if n.startswith("patch_"))
    with contextlib.redirect_stdout(io.StringIO()):  # the test prints progress
        patch(cls.__new__(cls), 10000)  # the tests use 10,000 elements
    return {base64.b64decode(r["Data"]["data_key"]): base64.b64decode(r["Data"]["value"])
            for r in captured["records"]}


# ------------------------------------------------------------------ builds

def build(python: str, source: Path, out_dir: Path, warm_from: Path | None) -> Path:
    """Compile ``source`` with nearc's Python API under ``python`` (cached by file)."""
    wasm = out_dir / (source.stem + ".wasm")
    if wasm.exists():
        return wasm
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, out_dir / source.name)
    bdir = out_dir / "build"
    if warm_from is not None and (warm_from / "build").is_dir() and not bdir.exists():
        shutil.copytree(warm_from / "build", bdir, symlinks=True)
        (bdir / "frozen_content.c").unlink(missing_ok=True)
        # frozen .mpy files are reused when older than their source: another venv's
        # near_sdk_py must be recompiled
        shutil.rmtree(bdir / "frozen_mpy", ignore_errors=True)
    print(f"  building {source.name} with {python} ...", flush=True)
    r = subprocess.run([python, "-c", _COMPILE, str(out_dir / source.name), str(wasm)],
                       check=False, cwd=out_dir, capture_output=True, text=True)
    if r.returncode != 0 or not wasm.exists():
        fail(f"building {source} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return wasm


def build_all(venv: Path, work: Path, root: Path) -> dict:
    """{(variant, contract): wasm path}; variant "2025-03" (venv) or "sdk-1.0.0" (main env)."""
    srcdir = root / "integration_tests/contracts/collections"
    out = {}
    warm = None  # the first build warms MicroPython's C objects for all others (same nearc)
    for variant, python in (("2025-03", str(venv / "bin" / "python")),
                            ("sdk-1.0.0", sys.executable)):
        for name in CONTRACTS:
            d = work / variant / name
            out[(variant, name)] = build(python, srcdir / f"{name}.py", d, warm)
            warm = warm or d
    return out


# ------------------------------------------------------------------ measurement

def first_hello(wasm: bytes, records: dict, config=None) -> dict:
    """Deploy, replay the patch, call hello() once like the published test, and once more.
    Returns the function-call receipts' gas_burnt and the first call's VM split."""
    from near_safe.testing import NEAR, TGAS, Runtime

    rt = Runtime(config=config)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    c = rt.deploy("hello.near", wasm, balance=1000 * NEAR)  # staking for 10,000 records
    if records:
        rt.patch_state(c, data=records)
    res = {}
    for key in ("first", "repeat"):
        out = alice.call(c, "hello", None, gas=100 * TGAS)
        r = out.receipts[0]
        if not r.succeeded or r.value != {"Hello": "World"}:
            fail(f"hello() did not return {{'Hello': 'World'}}: {r!r}")
        res[key] = r.gas_burnt
        res[key + "_logs"] = len(r.logs)
    return res


def exports_and_memory(wasm: bytes) -> tuple:
    import wasmtime

    mod = wasmtime.Module(wasmtime.Engine(), wasm)
    exports = sorted(e.name for e in mod.exports)
    mems = [("import " + i.module + "." + i.name, i.type) for i in mod.imports
            if isinstance(i.type, wasmtime.MemoryType)]
    mems += [("export " + e.name, e.type) for e in mod.exports
             if isinstance(e.type, wasmtime.MemoryType)]
    return exports, [f"{w} {t.limits.min}-{t.limits.max} pages" for w, t in mems]


_NO_FRAME = """
import importlib.util, json, sys
from near_safe.testing.vm import metering
metering.VERSION = "noframe"          # own module-cache key
metering.frame_ops = lambda p, l: 1   # 1 = what wasmtime already charges for leaving
spec = importlib.util.spec_from_file_location("bench_gas_calibration", sys.argv[1])
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
recs = {bytes.fromhex(k): bytes.fromhex(v) for k, v in json.load(open(sys.argv[3])).items()}
print(bench.first_hello(open(sys.argv[2], "rb").read(), recs)["first"])
"""


def _without_frame_charge(wasm: Path, records: dict, work: Path) -> int:
    """The first hello call's receipt gas with the frame charge switched off, in a separate
    process and module cache so nothing leaks into the real model."""
    import os

    rec_file = work / f"records-{wasm.stem}.json"
    rec_file.write_text(json.dumps({k.hex(): v.hex() for k, v in records.items()}))
    env = dict(os.environ, NEAR_SAFE_CACHE=str(work / "noframe-cache"))
    r = subprocess.run([sys.executable, "-c", _NO_FRAME, __file__, str(wasm), str(rec_file)],
                       check=True, capture_output=True, text=True, env=env)
    return int(r.stdout.split()[-1])


def old_protocol_config(ttn_gas: int):
    """Protocol < 81 as far as this call is concerned (docs/protocol.md 5.6): touching_trie_node
    16_101_955_926 instead of 2_280_000_000, ``input`` pays write_register_byte (< 82).
    Everything else this call touches has the same price."""
    from near_safe.testing import Config

    base = Config()
    ext = dict(base.ext_costs)
    ext["touching_trie_node"] = ttn_gas
    ext["read_cached_trie_node"] = ttn_gas
    from dataclasses import replace
    return replace(base, ext_costs=ext).with_protocol(73)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--setup", action="store_true", help="create the venv and fetch the sdist")
    ap.add_argument("--venv", type=Path, default=Path("/tmp/gasvenv"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/gascal"))
    a = ap.parse_args(argv)
    if a.setup:
        setup(a.venv, a.work)
    root = check_setup(a.venv, a.work)
    published = published_baselines(root)
    if not published:
        fail(f"no 'hello world (baseline)' rows found under {root}")
    wasms = build_all(a.venv, a.work, root)

    print("\nhello() receipt gas_burnt, Tgas (our runtime, protocol 84, no correction)")
    print(f"{'contract':14s} {'published':>9s} {'date':>16s} | {'2025-03 build':>13s} "
          f"{'dev':>6s} {'repeat':>7s} | {'sdk 1.0.0':>9s} {'repeat':>7s} | {'p<81 ttn':>8s}")
    old_cfg = old_protocol_config(16_101_955_926)
    rows = []
    for name in CONTRACTS:
        pub, date = published.get(name, (None, "-"))
        recs = patch_records(root, name, "hello.near")
        old = first_hello(wasms[("2025-03", name)].read_bytes(), recs)
        new = first_hello(wasms[("sdk-1.0.0", name)].read_bytes(), recs)
        oldp = first_hello(wasms[("2025-03", name)].read_bytes(), recs, old_cfg)
        dev = f"{old['first'] / (pub * TG) - 1:+.1%}" if pub else "-"
        print(f"{name:14s} {pub or float('nan'):9.4f} {date:>16s} | {old['first'] / TG:13.4f} "
              f"{dev:>6s} {old['repeat'] / TG:7.4f} | {new['first'] / TG:9.4f} "
              f"{new['repeat'] / TG:7.4f} | {oldp['first'] / TG:8.4f}")
        rows.append((name, pub, old, new))
    both = [(p, o["first"]) for _, p, o, _ in rows if p]
    mean_dev = sum(o / (p * TG) - 1 for p, o in both) / len(both)
    print(f"mean deviation of the 2025-03 builds' first call: {mean_dev:+.1%} "
          f"over {len(both)} published baselines")

    # where the gas of the datum's contract goes, next to our own trivial hello.py
    from near_safe.builder import build_contract
    here = Path(__file__).resolve().parent.parent
    ours = build_contract(here / "tests/vm/contracts/hello.py").read_bytes()
    from near_safe.testing.vm import _gas_report as gr
    lm = wasms[("2025-03", "lookup_map")].read_bytes()
    lm_new = wasms[("sdk-1.0.0", "lookup_map")].read_bytes()
    print("\nsplit of one call (empty storage; Tgas)")
    print(f"{'':34s} {'exec fees':>9s} {'loading':>8s} {'ops':>11s} {'ops Tgas':>8s} "
          f"{'host':>7s} {'receipt':>8s}")
    for label, code, method, args in (
            ("lookup_map.hello, 2025-03 build", lm, "hello", b""),
            ("lookup_map.hello, sdk 1.0.0", lm_new, "hello", b""),
            ("tests/vm/contracts/hello.py greet", ours, "greet", b'{"name": "world"}')):
        m = gr.measure(code, method, args)
        print(f"{label:34s} {m['exec_fees'] / TG:9.4f} {m['contract_loading'] / TG:8.4f} "
              f"{m['ops']:11,d} {m['wasm_ops'] / TG:8.4f} {m['host'] / TG:7.4f} "
              f"{m['receipt'] / TG:8.4f}")

    print("\nwhere the extra ops come from (main env, near-sdk-py 1.0.0, same nearc)")
    step_dir = a.work / "steps"
    step_dir.mkdir(parents=True, exist_ok=True)
    warm = a.work / "2025-03" / CONTRACTS[0]
    for name, body in STEPS:
        src = step_dir / f"{name}.py"
        if not src.exists() or src.read_text() != body:
            src.write_text(body)
            shutil.rmtree(step_dir / name, ignore_errors=True)
        code = build(sys.executable, src, step_dir / name, warm).read_bytes()
        m = gr.measure(code, "hello", b"")
        print(f"  {name:34s} {m['ops']:11,d} ops {m['receipt'] / TG:8.4f} Tgas")

    print("\nsensitivity: the published first calls without the per-call frame charge "
          "(docs/protocol.md 5.7)")
    for name in CONTRACTS:
        pub = published.get(name, (None,))[0]
        g = _without_frame_charge(wasms[("2025-03", name)],
                                  patch_records(root, name, "hello.near"), a.work)
        print(f"  {name:14s} {g / TG:8.4f} Tgas" + (f"  {g / (pub * TG) - 1:+.1%}" if pub else ""))

    print("\nbuilds compared (size, exports, memory)")
    for label, code in (("2025-03 lookup_map", lm), ("sdk-1.0.0 lookup_map", lm_new),
                        ("near_safe hello.py", ours)):
        ex, mem = exports_and_memory(code)
        print(f"  {label:22s} {len(code):7d} bytes, memory {mem}, {len(ex)} exports:\n"
              f"      {' '.join(ex)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
