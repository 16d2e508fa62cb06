"""near-pytest suites choose the node as their backend: the same suite that runs on the
embedded backend (tests/compat/suite, written exactly as a near-pytest 1.0.0 user writes it)
runs with ``-p near_safe.compat.plugin --near-backend=node``.  near-pytest's own client (py-near
over HTTP JSON-RPC) then talks to a near-safe node per sandbox; no neard binary is looked up
(a fresh HOME has none, and the binary helpers are guarded to raise)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from near_safe.builder import cache_root

COMPAT = Path(__file__).resolve().parents[1] / "compat"


def _child(tmp_path, *args):
    work = tmp_path / "project"
    if not work.exists():
        work.mkdir()
        shutil.copytree(COMPAT / "suite", work / "suite")
        shutil.copytree(COMPAT / "contracts", work / "contracts")
        (tmp_path / "home").mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_PLUGINS", "NEAR_SAFE_BACKEND", "NEAR_SAFE_MODE",
                        "PYTEST_ADDOPTS")}
    env.update(HOME=str(tmp_path / "home"), NEAR_SAFE_CACHE=str(cache_root()))
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(work),
           "-c", os.devnull, "-p", "near_safe.compat.plugin", *args, "suite"]
    return subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True,
                          timeout=900)


def test_the_compat_suite_passes_on_the_node_backend(tmp_path):
    collected = _child(tmp_path, "--collect-only", "-q")
    assert collected.returncode == 0, collected.stdout[-3000:]
    total = int(re.search(r"(\d+) tests? collected", collected.stdout).group(1))
    assert total >= 40
    r = _child(tmp_path, "--near-backend=node", "-rfEs")
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    assert "near-pytest backend: node" in r.stdout
    last = r.stdout.strip().splitlines()[-1]
    assert re.match(rf"=+ {total} passed in ", last), last  # all of them, none skipped
    assert not (tmp_path / "home" / ".near-pytest").exists()  # no sandbox binary fetched


def test_reset_state_returns_the_node_to_the_dump_exactly(tmp_path):
    # near_safe's NearSafeSnapshot record: an account created after save_state is gone after
    # reset_state (neard's plain patch would keep it; the suites rely on the exact reset)
    from near_safe.node import _nearpytest

    manager = _nearpytest.NodeSandboxManager()
    manager.start()
    try:
        node = manager.node
        records = manager.dump_state()
        assert records[0] == {"NearSafeSnapshot": {"snapshot_id": 0}}
        assert {"Account", "AccessKey"} <= {next(iter(r)) for r in records[1:]}
        with node.lock:
            node.rt.create_account("later.test.near")
        height = node.rt.height
        out = node.handle({"jsonrpc": "2.0", "id": 1, "method": "sandbox_patch_state",
                           "params": {"records": records}})
        assert out["result"] == {}
        assert not node.rt.exists("later.test.near")
        assert node.rt.height >= height  # the chain does not go back
        bad = node.handle({"jsonrpc": "2.0", "id": 1, "method": "sandbox_patch_state",
                           "params": {"records": [{"NearSafeSnapshot": {"snapshot_id": 9}}]}})
        assert "unknown snapshot_id 9" in bad["error"]["data"]
    finally:
        manager.stop()
