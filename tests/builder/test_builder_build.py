"""Real builds through the shared toolchain: the Wasm, what is frozen in it, the cache.

Distinct real builds here are kept few (each costs a few seconds on a warm toolchain): the
counter fixture (cached across runs), one unique contract per run (cache miss + invalidation),
one unique contract built by two processes at once (the lock).
"""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import wasmtime
from builder_wasm_call import call

from near_safe.builder import build, build_contract, build_count, cache_root, warm
from near_safe.builder._analyze import ON_DEMAND_FILES, near_safe_contract_files

COUNTER = Path(__file__).parent / "contracts" / "counter.py"


# Imports near_sdk_py only, so its key does not move while near_safe is being edited.
PLAIN = Path(__file__).parent / "contracts" / "guarded_imports.py"


@pytest.fixture(scope="module")
def counter():
    return build(COUNTER, progress=False)


@pytest.fixture(scope="module")
def plain():
    return build(PLAIN, progress=False)


def frozen_names(wasm_bytes):
    """Module paths in the Wasm's frozen-module table (mp_frozen_names)."""
    return set(re.findall(rb"([A-Za-z_][\w/]*\.py)\x00", wasm_bytes))


@pytest.fixture
def unique_contract(tmp_path):
    """A contract no earlier run has built; its cache entries are removed afterwards."""
    made = []

    def make(name="fresh.py", body='return "fresh"'):
        tag = uuid.uuid4().hex
        path = tmp_path / name
        path.write_text(
            f'"""unique contract {tag}"""\nfrom near_sdk_py import view\n\n\n'
            f"@view\ndef hello():\n    {body}\n"
        )
        made.append(path)
        return path

    yield make
    for key_file in (cache_root() / "wasm").glob("*.json"):
        info = json.loads(key_file.read_text())
        if info["contract"] in {str(p.resolve()) for p in made}:
            for suffix in (".wasm", ".json", ".manifest.py"):
                key_file.with_suffix("").with_suffix(suffix).unlink(missing_ok=True)


def test_wasm_imports_only_env_host_functions(counter):
    module = wasmtime.Module.from_file(wasmtime.Engine(), str(counter.wasm))
    assert module.imports, "a near-sdk-py contract imports NEAR host functions"
    assert {imp.module for imp in module.imports} == {"env"}
    exported = {exp.name for exp in module.exports}
    assert {"version", "bump", "memory", "contract_source_metadata"} <= exported


def test_built_contract_runs_its_frozen_local_modules_and_near_safe(counter):
    import near_safe

    value, _logs, _ = call(counter.wasm, "version")
    assert value == f"[near_safe {near_safe.__version__}]".encode()
    storage = {}
    assert call(counter.wasm, "bump", b'{"by": 2}', storage)[0] == b"2"
    assert call(counter.wasm, "bump", b'{"by": 3}', storage)[0] == b"5"


def test_only_contract_side_near_safe_files_are_frozen(counter):
    files = set(near_safe_contract_files())
    manifest = counter.manifest.read_text()
    (line,) = [ln for ln in manifest.splitlines() if ln.startswith('package("near_safe"')]
    listed = set(re.findall(r'"([\w/]+\.py)"', line))
    # the eager contract side, and on-demand modules only where the contract names them
    assert files - set(ON_DEMAND_FILES) <= listed <= files
    assert "contract/_collections.py" not in listed and "contract/_builders.py" not in listed
    in_wasm = {n.decode() for n in frozen_names(counter.wasm.read_bytes()) if n.startswith(b"near_safe/")}
    assert in_wasm == {f"near_safe/{f}" for f in listed}
    assert "near_safe/errors.py" not in in_wasm and not any("testing" in n for n in in_wasm)


def test_only_imported_local_modules_are_frozen(counter):
    names = {n.decode() for n in frozen_names(counter.wasm.read_bytes())}
    assert {"counter.py", "counter_lib.py", "counter_util.py"} <= names
    for other in ("unrelated_script.py", "no_exports.py", "match_statement.py", "builder_wasm_call.py"):
        assert other not in names
        assert other not in counter.manifest.read_text()


def test_unchanged_contract_is_a_cache_hit(plain):
    before_count = build_count(plain.key)
    before_mtime = os.stat(plain.wasm).st_mtime_ns
    again = build(PLAIN, progress=False)
    assert again.cached and again.key == plain.key and again.wasm == plain.wasm
    assert build_count(plain.key) == before_count
    assert os.stat(plain.wasm).st_mtime_ns == before_mtime
    # guarded imports (TYPE_CHECKING, try/except ImportError) did not stop the build
    assert call(plain.wasm, "ok")[0] == b"ok"


def test_new_contract_builds_then_hits_then_invalidates_on_change(unique_contract, tmp_path, cli):
    path = unique_contract()
    before_files = sorted(p.name for p in tmp_path.iterdir())
    code, stdout, stderr = cli(path)  # the real CLI, progress on stderr
    assert code == 0, stderr
    wasm_path, size, unit = stdout.split()
    assert unit == "bytes" and int(size) == Path(wasm_path).stat().st_size
    stages = stderr.splitlines()
    assert any(re.search(r"fresh\.py: staging sources .*\(\d+\.\ds\)$", ln) for ln in stages)
    for stage in ("freezing modules", "compiling the frozen modules", "linking the Wasm"):
        assert any(re.search(stage + r" \(.*\) \(\d+\.\ds\)$", ln) for ln in stages), stages
    assert re.search(r"built .*\.wasm \(\d+ KB\) \(\d+\.\ds total\)$", stages[-1])
    lines = []
    first = build(path, progress=lines.append)
    assert first.cached and first.wasm == Path(wasm_path) and build_count(first.key) == 1
    assert lines == []  # a cache hit is silent
    assert call(first.wasm, "hello")[0] == b"fresh"
    # nothing written next to the contract (nearc would leave *_with_*.py and build/)
    assert sorted(p.name for p in tmp_path.iterdir()) == before_files

    second = build(path, progress=False)
    assert second.cached and second.key == first.key and build_count(first.key) == 1

    path.write_text(path.read_text().replace('"fresh"', '"changed"'))
    third = build(path, progress=lines.append)
    assert third.key != first.key and not third.cached
    assert any("linking the Wasm" in ln for ln in lines)
    assert call(third.wasm, "hello")[0] == b"changed"
    assert build_count(third.key) == 1
    # --rebuild ignores the cached Wasm
    code, stdout, stderr = cli(path, "--rebuild", "-q")
    assert code == 0 and stderr == "" and not stdout.strip().endswith("(cached)")
    assert build_count(third.key) == 2


def test_output_option_writes_a_copy_and_cli_prints_path_and_size(plain, cli, tmp_path):
    out = tmp_path / "out" / "plain.wasm"
    code, stdout, stderr = cli(PLAIN, "-o", out, "--quiet")
    assert code == 0, stderr
    assert out.read_bytes() == plain.wasm.read_bytes()
    assert stdout.strip() == f"{out} {out.stat().st_size} bytes (cached)"
    assert stderr == ""
    assert build_contract(PLAIN, progress=False) == plain.wasm
    # -o naming a folder writes <contract>.wasm inside it
    code, stdout, _ = cli(PLAIN, "-o", tmp_path, "-q")
    assert code == 0 and stdout.startswith(f"{tmp_path / 'guarded_imports.wasm'} ")
    # -o ending in "/" names a folder even before it exists
    code, stdout, _ = cli(PLAIN, "-o", f"{tmp_path / 'new'}/", "-q")
    assert code == 0 and (tmp_path / "new" / "guarded_imports.wasm").is_file(), stdout


def test_two_processes_building_the_same_new_contract_build_it_once(unique_contract):
    path = unique_contract("raced.py", 'return "raced"')
    script = (
        "import sys; from near_safe.builder import build; "
        "r = build(sys.argv[1], progress=False); print(r.key, r.cached)"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    keys = {out.split()[0] for out, _ in results}
    cached_flags = sorted(out.split()[1] for out, _ in results)
    assert len(keys) == 1
    assert cached_flags == ["False", "True"]  # one built, the other waited and reused it
    assert build_count(keys.pop()) == 1


def test_warm_is_idempotent_and_cached():
    first = warm(progress=False)
    second = warm(progress=False)
    assert second.cached and second.key == first.key
    assert call(second.wasm, "warm_up")[0] == b"warm"
