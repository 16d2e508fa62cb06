"""`near-safe check` on the ported near-sdk-py contracts (issue 14, item 4: a ported contract
has no false finding).  The ports keep what the originals do, so what the checker reports on
them is exactly the originals' real properties, listed in docs/porting.md ("The explorer and
the checker on ported contracts"): yoctoNEAR as JSON numbers (NS113), a public init storing its
owner argument (NS117), owner-only methods without one yoctoNEAR (NS112).  Nothing else: the
annotations (AccountId, PromiseResult, int counts, Optional), the class style and near_safe's
options are read, not guessed."""

from pathlib import Path

from near_safe.check._engine import check_paths

PORTS = Path(__file__).parents[1] / "ports" / "contracts"

EXPECTED = {
    ("near_sdk_py/account_operations_contract.py", "NS113", "initial_balance"),
    ("near_sdk_py/account_operations_contract.py", "NS113", "initial_balance"),
    ("near_sdk_py/token_gas_contract.py", "NS113", "amount"),
    ("near_sdk_py/token_gas_contract.py", "NS113", "'deposit'"),
    ("near_sdk_py/ownership_contract.py", "NS117", "stores owner"),
    ("near_sdk_py/ownership_contract.py", "NS112", "'update_config'"),
    ("near_sdk_py/ownership_contract.py", "NS112", "'transfer_ownership'"),
}


def test_the_ports_findings_are_the_originals_real_ones():
    report = check_paths([PORTS])
    assert not report.errors
    found = [(Path(f.path).resolve().relative_to(PORTS.resolve()).as_posix(), f.rule, f.message)
             for f in report.findings]
    for path, rule, message in found:
        assert any(path == p and rule == r and word in message for p, r, word in EXPECTED), \
            (path, rule, message)
    for p, r, word in EXPECTED:
        assert any(path == p and rule == r and word in message
                   for path, rule, message in found), (p, r, word)
    assert len(found) == 9
