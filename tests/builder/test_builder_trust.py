"""The Wasm cache serves only what was asked for (issue 12, findings 1 and 2): a hit is checked
against its key on every use, release builds (-o) included, and the key and the build come
from one snapshot of the sources."""

import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from near_safe.builder import _analyze, build, cache_key, cache_root
from near_safe.builder._toolchain import Toolchain, find_emcc
from near_safe.testing import Runtime

CONTRACT = '''"""trust test contract {tag}"""
from near_sdk_py import view


@view
def get():
    return "{value}"
'''


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A Wasm cache of the test's own (so tampering never touches the shared one) that reuses
    the shared, warm toolchain folder (and its lock)."""
    shared = cache_root()
    (shared / "toolchain").mkdir(parents=True, exist_ok=True)
    root = tmp_path / "cache"
    root.mkdir()
    (root / "toolchain").symlink_to(shared / "toolchain")
    monkeypatch.setenv("NEAR_SAFE_CACHE", str(root))
    return root


def _get(wasm: bytes) -> str:
    rt = Runtime()
    rt.deploy("c.near", wasm)
    return rt.view("c.near", "get")


def _write(path, value, tag):
    path.write_text(CONTRACT.format(value=value, tag=tag))
    return path


def test_a_cached_wasm_replaced_by_another_contracts_is_rebuilt_not_served(cache, tmp_path):
    tag = str(time.time_ns())
    a = build(_write(tmp_path / "a.py", "A", tag), progress=False)
    b = build(_write(tmp_path / "b.py", "B", tag), progress=False)
    assert (_get(a.wasm.read_bytes()), _get(b.wasm.read_bytes())) == ("A", "B")
    genuine = a.wasm.read_bytes()

    # 1. the Wasm alone replaced: a release build (-o) through the CLI gets the genuine one
    shutil.copyfile(b.wasm, a.wasm)
    out = tmp_path / "release" / "a.wasm"
    proc = subprocess.run([sys.executable, "-m", "near_safe.cli", "build", str(tmp_path / "a.py"),
                           "-o", str(out), "-q"], capture_output=True, text=True, timeout=600,
                          check=False, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert "(cached)" not in proc.stdout and "the cache entry was modified" in proc.stderr
    assert _get(out.read_bytes()) == "A"
    assert _get(a.wasm.read_bytes()) == "A"  # the entry itself was rebuilt

    # 2. the Wasm and its record both copied from B's entry: refused too (the record names B's key)
    shutil.copyfile(b.wasm, a.wasm)
    shutil.copyfile(b.wasm.with_suffix(".json"), a.wasm.with_suffix(".json"))
    with pytest.warns(UserWarning, match="the cache entry was modified"):
        again = build(tmp_path / "a.py", progress=False)
    assert not again.cached and again.key == a.key
    assert _get(again.wasm.read_bytes()) == "A"
    assert again.wasm.read_bytes() == genuine  # the build is reproducible

    # an untouched entry is a silent hit
    assert build(tmp_path / "a.py", progress=False).cached


def test_an_edit_made_while_the_build_waits_for_the_lock_is_not_stored_under_the_old_key(
        cache, tmp_path):
    tag = str(time.time_ns())
    folder = tmp_path / "proj"
    folder.mkdir()
    contract = folder / "edited.py"
    contract.write_text(f'"""snapshot test {tag}"""\nimport helper\nfrom near_sdk_py import view\n'
                        '\n\n@view\ndef get():\n    return helper.VALUE\n')
    helper = folder / "helper.py"
    helper.write_text('VALUE = "one"\n')
    key_one = cache_key(_analyze.plan_build(contract), find_emcc())

    waiting = threading.Event()
    result = {}

    def progress(line):
        if "waiting for another build" in line:
            waiting.set()

    def run():
        try:
            result["r"] = build(contract, progress=progress)
        except BaseException as exc:  # noqa: BLE001  reported below
            result["error"] = exc

    toolchain = Toolchain(find_emcc())
    with toolchain.locked():
        worker = threading.Thread(target=run)
        worker.start()
        assert waiting.wait(120), "the build never waited for the lock"
        helper.write_text('VALUE = "two"\n')  # the edit, while the build waits
    worker.join(600)
    assert "error" not in result, result.get("error")
    first = result["r"]
    assert first.key == key_one
    assert _get(first.wasm.read_bytes()) == "one"  # the Wasm is what its key names

    # the edited sources are another key, built from the edit
    second = build(contract, progress=False)
    assert second.key != key_one and not second.cached
    assert _get(second.wasm.read_bytes()) == "two"
