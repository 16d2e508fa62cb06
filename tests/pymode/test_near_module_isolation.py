"""Importing near_safe (its contract side or any tool) leaves ``sys.modules["near"]`` alone, so
another package named ``near`` - near-kit's client is one - works in the same process; the
runtime's stand-in is there only while a CPython-mode contract call runs."""

import subprocess
import sys
import textwrap
import types

from near_safe.testing import NEAR, Runtime


def test_importing_near_safe_and_its_tools_installs_no_near_module():
    code = textwrap.dedent("""
        import sys
        import near_safe, near_safe.check, near_safe.explore, near_safe.testing, near_safe.cli
        import near_safe.contract._xcc
        print("near" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_a_tool_runs_nothing_of_the_contract_side():
    # near_safe/__init__.py is only a front door under CPython: the contract side's root
    # (near_safe/_root.py, frozen as near_safe/__init__.py) and near_safe/contract/ load on the
    # first use of a contract-side name, which no tool's import makes
    code = textwrap.dedent("""
        import sys
        import near_safe, near_safe.check, near_safe.explore, near_safe.testing, near_safe.cli
        import near_safe.compat, near_safe.node, near_safe.deploy
        print(sorted(m for m in sys.modules
                     if m == "near_safe._root" or m.startswith("near_safe.contract")))
        from near_safe import call, state  # a contract's (or a test's) first use loads it
        print("near_safe._root" in sys.modules, call is sys.modules["near_safe._root"].call)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True True"]


def test_another_near_package_and_a_cpython_mode_call_share_the_process(tmp_path, monkeypatch):
    client = types.ModuleType("near")  # what `import near` gives a near-kit user
    client.Near = object
    monkeypatch.setitem(sys.modules, "near", client)
    (tmp_path / "c.py").write_text(textwrap.dedent("""
        import near
        from near_safe import view

        @view
        def who():
            return near.current_account_id()
    """))
    rt = Runtime(mode="python")
    contract = rt.deploy("c.near", tmp_path / "c.py", balance=5 * NEAR)
    assert contract.view("who") == "c.near"  # the contract saw the host module
    import near

    assert near is client and sys.modules["near"] is client  # and the user's is back
