"""The builder's port patches: kept as files, applied to nearc's tree, part of every key."""

import shutil
import subprocess
from pathlib import Path

import pytest

from near_safe.builder import _analyze, cache_key
from near_safe.builder import _toolchain as tc
from near_safe.errors import BuildError

CONTRACT = Path(__file__).parent / "contracts" / "refund_to.py"


@pytest.fixture(scope="module")
def emcc():
    return tc.find_emcc()


def test_every_patch_applies_in_order_to_nearcs_micropython(tmp_path):
    src = tc.nearc_assets() / "micropython"
    patches = tc.port_patches()
    assert [p.name[:4] for p in patches] == ["0001", "0002", "0003", "0004", "0005", "0006", "0007"]
    touched = set()
    for patch in patches:
        touched |= {line[6:].strip() for line in patch.read_text().splitlines()
                    if line.startswith("+++ b/")}
    for rel in touched:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, tmp_path / rel)
    for patch in patches:
        out = subprocess.run(["patch", "-p1", "--forward", "--batch", "-d", str(tmp_path),
                              "-i", str(patch)], capture_output=True, text=True, check=False)
        assert out.returncode == 0, (patch.name, out.stdout, out.stderr)
        assert "offset" not in out.stdout and "fuzz" not in out.stdout, out.stdout
    assert "promise_set_refund_to" in (tmp_path / "ports/webassembly-near/modnear.c").read_text()


def test_patches_are_part_of_the_toolchain_id_and_the_cache_key(emcc, tmp_path, monkeypatch):
    plan = _analyze.plan_build(CONTRACT)
    patched, plain = tc.toolchain_id(emcc), tc.toolchain_id(emcc, patches=False)
    assert patched != plain
    key_patched = cache_key(plan, emcc)
    assert key_patched != cache_key(plan, emcc, patches=False)
    # one byte more in a patch: a new toolchain folder and a new key for every contract
    copy = tmp_path / "patches"
    shutil.copytree(tc.PATCHES_DIR, copy)
    monkeypatch.setattr(tc, "PATCHES_DIR", copy)
    assert tc.toolchain_id(emcc) == patched
    first = min(copy.glob("*.patch"))
    first.write_text(first.read_text() + "\n")
    assert tc.toolchain_id(emcc) != patched
    assert tc.toolchain_id(emcc, patches=False) == plain
    assert cache_key(plan, emcc) != key_patched


def test_plain_nearc_builds_from_nearcs_own_tree(emcc, tmp_path):
    plain = tc.Toolchain(emcc, root=tmp_path, patches=False)
    assert plain.port_dir == tc.nearc_assets() / "micropython" / "ports" / "webassembly-near"
    patched = tc.Toolchain(emcc, root=tmp_path)
    assert patched.port_dir.is_relative_to(patched.root)


def test_an_unknown_patch_subset_is_refused(emcc):
    with pytest.raises(BuildError, match="unknown port patch"):
        tc.toolchain_id(emcc, patches=("9999-nope.patch",))


def test_a_patch_that_does_not_apply_is_a_build_error_naming_it(emcc, tmp_path, monkeypatch):
    bad = tmp_path / "patches"
    bad.mkdir()
    (bad / "0001-bad.patch").write_text(
        "--- a/py/nlrwasm.c\n+++ b/py/nlrwasm.c\n@@ -1,1 +1,1 @@\n-no such line\n+x\n")
    monkeypatch.setattr(tc, "PATCHES_DIR", bad)
    toolchain = tc.Toolchain(emcc, root=tmp_path / "cache")
    with pytest.raises(BuildError, match=r"(?s)0001-bad\.patch does not apply .*patches=False"):
        toolchain.stage()
    assert not (toolchain.root / "staged").exists()
    assert not toolchain.micropython.exists()
    assert not (toolchain.root / "micropython.tmp").exists()
