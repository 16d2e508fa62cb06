"""`near-safe check` on near_safe's promise builders (near-sdk-py's shape: CrossContract(x)
.deposit(d).call("m").settle(...).then("cb"), Promise.create_batch(x).transfer(n), joins,
Promise.all): the chain leaves at then/join/value and is read like safe_call, its settlement
from settle(...). The explorer's vault written with the builders (tests/promises/contracts)
gets no finding; its credit-first copy, which the explorer finds
(tests/promises/test_builder_explore.py), gets NS103 on the credit."""

from pathlib import Path

from near_safe.check import check_paths

CONTRACTS = Path(__file__).resolve().parent.parent / "promises" / "contracts"


def _findings(path):
    report = check_paths([path])
    assert report.errors == []
    return {(f.rule, f.line) for f in report.findings}


def _line_of(path, text):
    lines = Path(path).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_the_builder_vault_has_no_finding():
    assert _findings(CONTRACTS / "bank_builders.py") == set()


def test_the_credit_first_builder_vault_is_reported_on_its_credit():
    path = CONTRACTS / "bank_builders_buggy.py"
    credit = _line_of(path, "state.credit(STAKED, user, amount)")
    assert _findings(path) == {("NS103", credit)}


def test_the_builder_call_is_where_the_chain_leaves(tmp_path):
    """A chain never ended sends nothing (near_safe refuses it at the method's end): no call is
    seen, so a credit before it is not a credit before a call; ended by then, it is."""
    src = (CONTRACTS / "bank_builders_buggy.py").read_text()
    unsent = src.replace('.settle(refund=amount, lock=user).then("on_staked"))',
                         '.settle(refund=amount, lock=user))')
    assert unsent != src
    path = tmp_path / "unsent.py"
    path.write_text(unsent)
    assert {r for r, _ in _findings(path)} == set()


def test_settle_options_are_read_like_safe_calls(tmp_path):
    """The fixed vault with its credit= removed from settle(...) and credited by hand in the
    callback is the NS118-free hand credit; with both, it is a double credit (NS118)."""
    src = (CONTRACTS / "bank_builders.py").read_text()
    both = src.replace("def on_staked(result):\n    return result.ok",
                       "def on_staked(result):\n"
                       "    if result.ok:\n"
                       "        state.credit(STAKED, operation().caller, 1)\n"
                       "    return result.ok").replace("    state,\n", "    state,\n    operation,\n")
    assert both != src
    path = tmp_path / "both.py"
    path.write_text(both)
    assert {r for r, _ in _findings(path)} == {"NS118"}
    single = both.replace("credit=STAKED, ", "")
    assert single != both
    path.write_text(single)
    assert {r for r, _ in _findings(path)} == set()
