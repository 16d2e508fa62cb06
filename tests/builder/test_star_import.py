"""``from near_safe import *`` in a contract: MicroPython's star import copies the module's
dict, so the names the root loads on demand (``Contract``, ``Log``, ``Context``, ...) would be
unbound in the Wasm (every call a NameError) while CPython mode has them (``__all__``).  The
builder's staged source imports the ones the module uses by name, on the star import's own
line (line numbers kept); both modes run that source."""

from pathlib import Path

import pytest

from near_safe.builder._misuse import lazy_root_names, staged_source
from near_safe.testing import NEAR, Runtime

CONTRACT = Path(__file__).parent / "contracts_star" / "starred.py"


@pytest.mark.parametrize("mode", ["wasm", "python"])
def test_a_star_importing_class_contract_runs(mode):
    rt = Runtime(mode=mode)
    alice = rt.create_account("alice.near", balance=10 * NEAR)
    c = rt.deploy("starred.near", CONTRACT, balance=10 * NEAR)
    out = alice.call(c, "hello", {"who": "bob"})
    assert out.error is None, out.error
    assert out.value == ["alice.near", "bob"]
    assert out.logs == ["INFO: hello bob"]


def test_the_staged_line_imports_only_the_used_on_demand_names():
    source = CONTRACT.read_text()
    staged = staged_source(source, CONTRACT)
    star = next(i for i, line in enumerate(source.splitlines()) if line.endswith("import *"))
    assert staged.splitlines()[star] == \
        "from near_safe import *; from near_safe import Context, Contract, Log"
    assert len(staged.splitlines()) == len(source.splitlines())


def test_the_on_demand_names_are_read_from_the_root():
    names = lazy_root_names()
    assert {"Contract", "Log", "Context", "CrossContract", "LookupMap"} <= names
    assert not names & {"call", "view", "state", "safe_call"}  # bound by the root itself
