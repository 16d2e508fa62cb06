"""Typed, size-bounded promise results in callbacks, and multi_callback (both modes)."""

from near_safe.testing import TGAS

GAS = 300 * TGAS


def test_result_within_the_bound_is_decoded(world):
    out = world.alice.call(world.vault, "fetch_blob", {"n": 10}, gas=GAS)
    assert out.value == [True, None, 10]


def test_result_above_the_bound_is_a_failure_not_an_abort(world):
    out = world.alice.call(world.vault, "fetch_blob", {"n": 200}, gas=GAS)
    assert out.status == "success"
    assert out.value == [False, "result too large", None]


def test_result_of_the_declared_kind(world):
    out = world.alice.call(world.vault, "fetch_number", {"n": 5}, gas=GAS)
    assert out.value == {"n": 5, "ok": True, "error": None}


def test_result_of_the_wrong_kind_is_a_failure(world):
    out = world.alice.call(world.vault, "fetch_blob_as_number", gas=GAS)
    assert out.value == {"n": None, "ok": False, "error": "result has the wrong kind"}


def test_failed_external_call_gives_a_failed_result(world):
    world.rt.fail_next("staking.near", "number")
    out = world.alice.call(world.vault, "fetch_number", {"n": 5}, gas=GAS)
    assert out.value == {"n": None, "ok": False, "error": "failed"}


def test_multi_callback_receives_every_result_in_order(world):
    out = world.alice.call(world.vault, "fetch_two", gas=GAS)
    assert out.status == "success", out
    assert out.value == [1, 2]


def test_plain_query_leaves_no_record(world):
    before = world.storage()
    world.alice.call(world.vault, "fetch_number", {"n": 1}, gas=GAS).unwrap()
    assert world.storage() == before  # nothing to settle: no sequence, record or lock


def test_safe_call_refuses_a_callback_that_could_not_settle(world):
    before = world.storage()
    out = world.alice.call(world.vault, "call_with_unknown_callback", gas=GAS)
    assert ("Method call_with_unknown_callback failed: MisuseError: safe_call: "
            "then='on_nothing' is not a @callback of this contract") in out.error
    out = world.alice.call(world.vault, "call_with_wrong_callback_args", gas=GAS)
    assert "safe_call: argument 'label' of on_number must be of kind str" in out.error
    assert world.storage() == before
