"""tests/ports: near-sdk-py 1.0.0's and near-pytest 1.0.0's own suites (suites/, unchanged) run
against the ported contracts (contracts/) in a separate pytest process (test_ports.py); they
are not collected here."""

collect_ignore = ["suites", "contracts"]
