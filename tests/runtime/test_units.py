"""One home for units (issue 13): the CPython side takes NEAR and TGAS from near_safe/_units.py;
the contract side keeps its own literals (imports cost gas on every call) and must agree."""

import ast
import re
from pathlib import Path

import near_safe
import near_safe._units as units
from near_safe import testing
from near_safe.testing import params

PACKAGE = Path(near_safe.__file__).parent


def int_value(node):
    """The value of an integer expression made of literals, ``*`` and ``**`` (how units are
    written: ``10**24``, ``1000000000000``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.Mult)):
        left, right = int_value(node.left), int_value(node.right)
        if left is not None and right is not None:
            return left ** right if isinstance(node.op, ast.Pow) else left * right
    return None


def module_constant(relpath: str, name: str):
    """The literal value a module assigns to ``name`` at top level, read without importing it
    (the contract-side modules are meant to run inside MicroPython)."""
    tree = ast.parse((PACKAGE / relpath).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return int_value(node.value)
    raise AssertionError(f"{relpath} assigns no top-level {name}")


def test_units_have_their_protocol_values():
    assert units.NEAR == 10**24  # yoctoNEAR per NEAR
    assert units.TGAS == 10**12  # gas per Tgas


def test_simulator_reexports_the_one_definition():
    assert params.NEAR is units.NEAR and params.TGAS is units.TGAS
    assert testing.NEAR is units.NEAR and testing.TGAS is units.TGAS


def test_contract_side_tgas_equals_the_cpython_side():
    # the literal in the source (what gets frozen into the Wasm) and the imported value
    assert module_constant("_root.py", "TGAS") == units.TGAS
    assert near_safe.TGAS == units.TGAS


def test_contract_side_storage_price_equals_the_protocol_parameter():
    assert module_constant("contract/_xcc.py", "STORAGE_BYTE_COST") == \
        params.STORAGE_AMOUNT_PER_BYTE


# Copies of NEAR/TGAS on the CPython side that predate near_safe/_units.py, in files other
# engineers owned when it was made: replace each by an import from near_safe._units, then
# delete its entry.  A new copy anywhere else fails the test below.
KNOWN_COPIES: set = set()  # all replaced; keep it empty
CONTRACT_SIDE = {"_root.py"}  # plus near_safe/contract/: frozen into the Wasm (the root as __init__.py)
UNIT_VALUES = {10**24, 10**12}
UNIT_NAME = re.compile(r"^_?(ONE_)?(NEAR|TGAS)$")


def test_no_new_copy_of_a_unit_on_the_cpython_side():
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in CONTRACT_SIDE or rel.startswith("contract/") or rel == "_units.py":
            continue
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if not (isinstance(target, ast.Name) and UNIT_NAME.match(target.id)):
                    continue
                # None for a name computed from an import, e.g. NEAR = params.NEAR
                if int_value(node.value) in UNIT_VALUES:
                    found.add((rel, target.id))
    new = sorted(found - KNOWN_COPIES)
    assert not new, (f"{new} define a unit again: import it from near_safe._units "
                     "(the one home of NEAR and TGAS on the CPython side)")
