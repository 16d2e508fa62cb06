"""Repository-wide test hooks (tests/ and examples/): what a test expects of the backend the
contracts are built with.

nearc 0.10's CPython backend (``NEAR_SAFE_COMPILER=py``, the 3.13 lane's third CI phase) cannot
do two things near_safe's money flows need: send 2**63 yoctoNEAR or more in one action (its
``near`` module converts amounts through a signed 64-bit integer), and return a failed call's
deposit to the caller (its python.wasm has no ``promise_set_refund_to``).  near_safe refuses
those flows there before any state change (docs/micropython.md, "Toolchains and backends";
docs/safety.md).  A test marked ``backend_refuses`` runs such a flow: on MicroPython it must
pass; on the CPython backend (in Wasm mode) it must fail with one of those refusals (or, for a
contract not written with near_safe, the backend's own ValueError) - reported as xfail naming
it - and a pass, or any other failure, fails the test.
"""

import os
import re

import pytest

PY_REFUSALS = (
    "could not be sent back (nearc 0.10's CPython backend)",  # a deposit above MAX_SEND
    "cannot be sent (nearc 0.10's CPython backend)",  # safe_call's deposit or refund
    "which only near-safe build's MicroPython has",  # a deposit returned by refund_to
    # the backend's own error, where a contract not written with near_safe (the examples'
    # WRONG vault, plain near-sdk-py) sends such an amount itself: its call fails whole
    "Value must be non-negative",
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "backend_refuses: the flow moves more NEAR than nearc 0.10's CPython backend "
        "can send, or needs promise_set_refund_to: near_safe refuses it there (root conftest.py)")


def _on_cpython_backend(item) -> bool:
    if os.environ.get("NEAR_SAFE_COMPILER") != "py":
        return False
    # CPython mode runs no Wasm: only the Wasm-mode instances meet the backend
    params = getattr(item, "callspec", None)
    ids = params.id if params is not None else ""
    return re.search(r"(^|-)wasm($|-)", ids) is not None or (
        params is None and item.config.getoption("near_mode", None) == "wasm")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when != "call" or item.get_closest_marker("backend_refuses") is None \
            or not _on_cpython_backend(item):
        return
    if rep.passed:
        rep.outcome = "failed"
        rep.longrepr = ("marked backend_refuses, but the flow ran on nearc 0.10's CPython "
                        "backend: near_safe no longer refuses it there; drop the mark")
        return
    refusal = _refusal(call.excinfo) if rep.failed and call.excinfo is not None else None
    if refusal is not None:
        rep.outcome = "skipped"
        rep.wasxfail = f"refused on nearc 0.10's CPython backend: ...{refusal}"


def _refusal(excinfo):
    """The refusal a failed test met: in the exception's message, or in the error of a
    transaction (outcome or handle) or receipt the failing frames hold (``out``, ``tx``, ...)."""
    from near_safe.testing import ReceiptOutcome, TxHandle, TxOutcome

    texts = [str(excinfo.value)]
    for entry in excinfo.traceback:
        for value in list(entry.frame.f_locals.values()):
            if isinstance(value, TxHandle):  # a submitted transaction: what ran of it
                value = value.outcome()
            if isinstance(value, TxOutcome):
                texts.append(value.error)
                texts.extend(r.error for r in value.receipts)
            elif isinstance(value, ReceiptOutcome):
                texts.append(value.error)
    for text in texts:
        if isinstance(text, str):
            for refusal in PY_REFUSALS:
                if refusal in text:
                    return refusal
    return None
