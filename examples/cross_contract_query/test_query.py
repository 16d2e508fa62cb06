"""cross_contract_query: a typed callback keeps only well-formed answers; no money moves."""

from pathlib import Path

import pytest

from near_safe.testing import TGAS, safe_call_reserve

HERE = Path(__file__).parent
# NEAR's most per transaction: enough for both receipts on either backend (nearc 0.10's CPython
# backend burns about 40 Tgas per call before the method runs)
GAS = 300 * TGAS


@pytest.fixture(scope="module")
def oracle(near_deploy):
    oracle = near_deploy(HERE / "oracle.py")
    oracle.call(oracle, "set_price", {"asset": "wNEAR", "price": "1000"}).unwrap()
    return oracle


@pytest.fixture(scope="module")
def dashboard(near_deploy, oracle):
    return near_deploy(HERE / "dashboard.py", init="new", init_args={"oracle": oracle.id})


def test_answer_arrives_typed_and_is_kept(dashboard, alice):
    out = alice.call(dashboard, "refresh", {"asset": "wNEAR"}, gas=GAS)
    assert out.error is None
    assert out.value == {"asset": "wNEAR", "ok": True, "error": None}
    assert dashboard.view("price_of", {"asset": "wNEAR"}) == "1000"


def test_failed_query_keeps_the_last_good_price(dashboard, alice):
    alice.call(dashboard, "refresh", {"asset": "wNEAR"}, gas=GAS).unwrap()
    out = alice.call(dashboard, "refresh", {"asset": "DOGE"}, gas=GAS)
    assert "unknown asset: DOGE" in out.error  # the oracle failed...
    assert out.status == "success"  # ...the callback handled it
    assert out.value == {"asset": "DOGE", "ok": False, "error": "failed"}
    assert dashboard.view("price_of", {"asset": "wNEAR"}) == "1000"


@pytest.mark.parametrize("bad, error", [
    ("1.5", "result has the wrong kind"),  # not a decimal yoctoNEAR string
    ("9" * 120, "result too large"),  # above max_result=100 bytes
])
def test_malformed_answer_is_rejected_by_kind_and_size(dashboard, oracle, alice, bad, error):
    alice.call(dashboard, "refresh", {"asset": "wNEAR"}, gas=GAS).unwrap()
    oracle.call(oracle, "set_price", {"asset": "wNEAR", "price": bad}).unwrap()
    out = alice.call(dashboard, "refresh", {"asset": "wNEAR"}, gas=GAS)
    assert out.error is None and out.value["error"] == error
    assert dashboard.view("price_of", {"asset": "wNEAR"}) == "1000"


def test_nobody_else_can_feed_the_callback(dashboard, alice):
    out = alice.call(dashboard, "on_price", {"asset": "wNEAR"})
    assert "Method on_price is private" in out.error
    assert dashboard.view("price_of", {"asset": "wNEAR"}) is None


def test_query_takes_no_money_and_checks_gas_first(dashboard, oracle, alice):
    paid = alice.call(dashboard, "refresh", {"asset": "wNEAR"}, deposit=1, gas=GAS)
    assert "Method refresh doesn't accept deposit" in paid.error
    # exactly what safe_call reserves: enough to start, not for the check (used + reserve)
    starved = alice.call(dashboard, "refresh", {"asset": "wNEAR"},
                         gas=safe_call_reserve(alice.runtime))
    assert "Method refresh: not enough gas: attach at least" in starved.error
    assert starved.find(receiver=oracle) == []  # nothing reached the oracle
