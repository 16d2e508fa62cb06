"""near-kit's own pytest plugin, pointed at the node with NEAR_SANDBOX_URL, runs a test module
written purely against near-kit (nearkit_plugin_module.py), offline, in near-kit's virtualenv
(plus pytest): the plugin reuses the node instead of starting its Docker sandbox."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from kitvenv import nearkit_python

HERE = Path(__file__).parent
EXAMPLE = HERE.parents[1] / "examples" / "deposit_and_stake"
MODULE = HERE / "nearkit_plugin_module.py"


@pytest.fixture
def own_node():
    from near_safe.node.pytest_fixture import start_node

    running = start_node()  # its own chain: the module names accounts freely
    try:
        yield running
    finally:
        running.stop()


def test_near_kit_plugin_runs_a_near_kit_module_on_the_node(own_node, tmp_path):
    from near_safe.builder import build_contract

    near_node = own_node

    wasm = build_contract(EXAMPLE / "staking_pool.py")
    python = nearkit_python(with_pytest=True)
    # a folder of its own: no conftest.py or pytest configuration of near_safe's on the way
    shutil.copy(MODULE, tmp_path / "test_with_near_kit.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NEAR_"))}
    env.update(NEAR_SANDBOX_URL=near_node.url, NEAR_KIT_TEST_WASM=str(wasm))
    r = subprocess.run([python, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                        "test_with_near_kit.py"], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    tests = len(re.findall(r"^def test_", MODULE.read_text(), re.M))
    last = r.stdout.strip().splitlines()[-1]
    assert re.match(rf"{tests} passed in ", last), r.stdout  # none skipped, none failed
    # the node served it: the module's accounts are on its chain
    assert near_node.node.rt.exists("rich.sandbox") and near_node.node.rt.exists("bob.sandbox")
