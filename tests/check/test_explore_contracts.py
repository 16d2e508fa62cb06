"""`near-safe check` on the explorer's contracts (tests/explore/contracts): each deliberately
vulnerable flow of bank_buggy.py is reported by the rule of its class, and the safe vaults
get nothing from the cross-contract rules (issue 10: "near-safe check on tests/explore's
deliberately vulnerable contracts catches each class")."""

from pathlib import Path

from near_safe.check import check_paths

CONTRACTS = Path(__file__).resolve().parent.parent / "explore" / "contracts"

# rules about the cross-contract flows themselves (not about init, deposits on plain methods
# or a deliberate replay-guard panic, which the safe vaults' by-hand versions do have)
FLOW_RULES = {"NS101", "NS102", "NS103", "NS104", "NS105", "NS106", "NS108", "NS114", "NS115",
              "NS116", "NS118", "NS119", "NS120", "NS121"}


def _findings(name):
    report = check_paths([CONTRACTS / name])
    assert report.errors == []
    return {(f.rule, f.line) for f in report.findings}


def _line_of(name, text):
    lines = (CONTRACTS / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_each_buggy_flow_is_reported_by_its_class():
    found = _findings("bank_buggy.py")
    rules = {r for r, _ in found}
    # one class per flow, as the module docstring lists them; plus the public init (finding 5)
    assert {"NS103", "NS101", "NS105", "NS106", "NS108", "NS117"} <= rules
    assert ("NS103", _line_of("bank_buggy.py", "_set_balance(user, _balance(user) + amount)")) \
        in found
    assert ("NS101", _line_of("bank_buggy.py", "def on_staked(")) in found
    assert ("NS117", _line_of("bank_buggy.py", "def new(")) in found


def test_safe_vaults_have_no_cross_contract_findings():
    for name in ("bank_safe.py", "bank_safe_by_hand.py"):
        flows = {(r, line) for r, line in _findings(name) if r in FLOW_RULES}
        assert flows == set(), name
