"""``panics`` (near_safe.testing): passes on a matching panic, fails readably otherwise; both
runtime modes (verdicts from Wasm mode)."""

import re
from pathlib import Path

import pytest

from near_safe.testing import NEAR, FunctionCall, Runtime, panics

CONTRACT = Path(__file__).parent / "contracts" / "panicky.py"


@pytest.fixture(params=["wasm", "python"])
def world(request):
    rt = Runtime(mode=request.param)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    contract = rt.deploy("panicky.near", CONTRACT, balance=10 * NEAR)
    return alice, contract


def test_exact_message_passes_and_keeps_the_outcome(world):
    alice, contract = world
    with panics("not enough balance") as p:
        alice.call(contract, "refuse")
    assert p.panic == "not enough balance"
    assert p.outcome.status == "failure" and p.outcome.logs == ["checking the amount"]


def test_contract_call_and_uncaught_exception(world):
    _, contract = world
    # near_sdk_py panics with "Unexpected error: <message>" for an uncaught exception
    with panics("bad amount 42") as p:
        contract.call(contract, "boom")
    assert p.panic == "Unexpected error: bad amount 42"
    with panics("Unexpected error: bad amount 42"):
        contract.call(contract, "boom")


def test_exact_is_exact_and_match_is_a_regex(world):
    alice, contract = world
    with pytest.raises(AssertionError) as info:
        with panics("not enough"):
            alice.call(contract, "refuse")
    text = str(info.value)
    assert "expected a panic 'not enough', but got panic 'not enough balance'" in text
    assert "checking the amount" in text  # the logs are shown
    with panics(match=r"amount \d+$"):
        alice.call(contract, "boom")
    with panics(match=re.escape("enough")):
        alice.call(contract, "refuse")
    with panics():
        alice.call(contract, "refuse")


def test_a_call_that_succeeds_fails_the_check(world):
    alice, contract = world
    with pytest.raises(AssertionError) as info:
        with panics("not enough balance"):
            alice.call(contract, "ok")
    text = str(info.value)
    assert "but the call succeeded (value=7)" in text and "all good" in text


def test_a_failure_that_is_not_a_panic_fails_the_check(world):
    alice, contract = world
    with pytest.raises(AssertionError) as info:
        with panics():
            alice.call(contract, "no_such_method")
    assert "the call failed without a panic: MethodNotFound" in str(info.value)


def test_the_last_transaction_of_the_block_is_checked(world):
    alice, contract = world
    with pytest.raises(AssertionError, match="the call succeeded"):
        with panics("not enough balance"):
            alice.call(contract, "refuse")
            alice.call(contract, "ok")
    with panics("not enough balance"):  # a batch through execute() is watched too
        alice.execute(contract, [FunctionCall("refuse", b"", 30 * 10**12, 0)])


def test_a_view_that_panics_and_a_block_without_a_call(world):
    _, contract = world
    with panics("nothing to see") as p:
        contract.view("peek")
    assert p.outcome.aborted.kind == "GuestPanic"
    with pytest.raises(AssertionError, match="ran no transaction"):
        with panics("x"):
            pass
    with pytest.raises(ZeroDivisionError):  # other exceptions pass through
        with panics("x"):
            1 / 0


def test_bad_arguments():
    with pytest.raises(TypeError, match="not both"):
        panics("a", match="b")
    with pytest.raises(TypeError, match="use match="):
        panics(re.compile("a"))


def test_a_callee_panic_handled_by_a_callback_counts(request):
    """The oracle panics, the dashboard's callback handles it: the transaction succeeds, and
    ``panics`` still sees the callee's panic (any receipt of the tree)."""
    examples = Path(request.config.rootpath) / "examples" / "cross_contract_query"
    for mode in ("wasm", "python"):
        rt = Runtime(mode=mode)
        alice = rt.create_account("alice.near", balance=100 * NEAR)
        oracle = rt.deploy("oracle.near", examples / "oracle.py", balance=10 * NEAR)
        dashboard = rt.deploy("dashboard.near", examples / "dashboard.py", balance=10 * NEAR,
                              init="new", args={"oracle": oracle.id})
        with panics("unknown asset: DOGE") as p:
            alice.call(dashboard, "refresh", {"asset": "DOGE"}, gas=50 * 10**12)
        assert p.outcome.status == "success", mode
