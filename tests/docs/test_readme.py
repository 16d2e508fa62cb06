"""The README's contract snippet is real: extracted, compiled and run on the embedded runtime."""

import re
import shutil
from pathlib import Path

import pytest

from near_safe.testing import NEAR, TGAS, Runtime

ROOT = Path(__file__).resolve().parents[2]


SNIPPETS = {  # the function style, and the same contract in the class style
    "functions": r"## Writing a safe contract\n\n```python\n(.*?)```",
    "class": r"The same contract in the class style.*?```python\n(.*?)```",
}


@pytest.fixture(scope="module", params=sorted(SNIPPETS))
def world(tmp_path_factory, request):
    readme = (ROOT / "README.md").read_text()
    code = re.search(SNIPPETS[request.param], readme, re.S).group(1)
    folder = tmp_path_factory.mktemp("readme")
    (folder / "vault.py").write_text(code)
    shutil.copy(ROOT / "examples" / "deposit_and_stake" / "staking_pool.py", folder)
    return folder


@pytest.mark.parametrize("mode", ["wasm", "python"])
def test_readme_vault_credits_on_success_and_refunds_on_failure(world, mode):
    rt = Runtime(mode=mode)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    pool = rt.deploy("pool.near", world / "staking_pool.py", balance=10 * NEAR)
    vault = rt.deploy("vault.near", world / "vault.py", balance=10 * NEAR)

    out = alice.call(vault, "deposit_and_stake", {}, deposit=5 * NEAR, gas=100 * TGAS)
    assert out.status == "success" and out.value is True, out
    assert int(vault.view("staked_of", {"account_id": alice.id})) == 5 * NEAR

    alice.call(pool, "set_failing", {"failing": True}).unwrap()
    before = rt.balance(alice.id)
    out = alice.call(vault, "deposit_and_stake", {}, deposit=5 * NEAR, gas=100 * TGAS)
    assert out.value is False, out
    assert rt.balance(alice.id) == before - out.tokens_burnt  # the deposit came back in full
    assert int(vault.view("staked_of", {"account_id": alice.id})) == 5 * NEAR
