"""`near-safe check examples/`: every contract is clean except the deliberately wrong vault,
which is caught for the hazard its example is about (NS103, credit before the call)."""

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parent


def test_only_the_wrong_vault_is_flagged_and_for_crediting_first():
    proc = subprocess.run([sys.executable, "-m", "near_safe.cli", "check", str(EXAMPLES),
                           "--format", "json"], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 1, proc.stderr  # findings
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    contracts = [p for p in EXAMPLES.rglob("*.py")
                 if not p.name.startswith(("test_", "conftest"))]
    assert report["files"] >= len(contracts)
    flagged = {Path(f["path"]).name for f in report["findings"]}
    assert flagged == {"vault_wrong.py"}
    assert "NS103" in {f["rule"] for f in report["findings"]}
