"""near-safe node's command line and the near_node fixture's life cycle."""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from near_safe.node.pytest_fixture import start_node

from nodeproc import NodeProcess
from noderpc import result


def test_bad_arguments_exit_2_naming_the_fix():
    for args, word in ((["--port", "70000"], "--port"), (["--block-time", "0"], "--block-time")):
        r = subprocess.run([sys.executable, "-m", "near_safe.cli", "node", *args],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and word in r.stderr, r.stderr


def test_port_in_use_exits_2():
    running = start_node()
    try:
        port = running.url.rsplit(":", 1)[1]
        r = subprocess.run([sys.executable, "-m", "near_safe.cli", "node", "--port", port],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and "another --port" in r.stderr, r.stderr
    finally:
        running.stop()


def test_block_time_produces_blocks():
    node = NodeProcess("--block-time", "0.05")
    try:
        h0 = result(node.url, "status")["sync_info"]["latest_block_height"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if result(node.url, "status")["sync_info"]["latest_block_height"] >= h0 + 3:
                break
            time.sleep(0.05)
        assert result(node.url, "status")["sync_info"]["latest_block_height"] >= h0 + 3
    finally:
        node.stop()
    assert node.proc.returncode == 0  # SIGTERM stops it cleanly


def test_fixture_node_stops():
    running = start_node()
    with urllib.request.urlopen(running.url + "/status", timeout=10) as r:
        assert json.loads(r.read())["sync_info"]["latest_block_height"] == 0
    running.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(running.url + "/status", timeout=5)


def test_fixture_loads_with_dash_p(tmp_path):
    """The documented way in: ``pytest -p near_safe.node.pytest_fixture``."""
    (tmp_path / "test_uses_node.py").write_text(
        "import json, urllib.request\n"
        "def test_status(near_node):\n"
        "    with urllib.request.urlopen(near_node.url + '/status', timeout=10) as r:\n"
        "        assert json.loads(r.read())['validator_account_id'] == 'sandbox'\n")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "-p", "near_safe.node.pytest_fixture", str(tmp_path)],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0 and "1 passed" in r.stdout, r.stdout + r.stderr
