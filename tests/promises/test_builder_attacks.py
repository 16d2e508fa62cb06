"""Issue 14 item 3: near-sdk-py's promise builders (CrossContract, Promise.create_batch, joins)
settled by near_safe.  Each attack is a flow on compiled contracts (Wasm mode gives the verdict;
CPython mode must agree): the wallet (contracts/builders.py) is written with the builders only.
"""

import re

import pytest

from near_safe import CALLBACK_GAS, EXTERNAL_GAS, OWN_GAS
from near_safe.testing import NEAR, TGAS

CALLEE, WALLET, TOP_UP = "callee.near", "wallet.near", 10 * NEAR  # as in conftest.py

D = NEAR  # what a test forwards or withdraws


def _deposit_back(out, account, amount=D):
    """Deposits of ``amount`` the protocol returned to ``account`` (refund_to or predecessor
    refunds; gas refunds are never a whole NEAR)."""
    return [r.deposit for r in out.receipts
            if r.receiver == account and r.predecessor == "system" and r.is_refund
            and r.deposit == amount]


def _transfers_from(out, sender):
    """NEAR sent by ``sender`` in Transfer receipts it created (not protocol refunds)."""
    return [r.deposit for r in out.receipts
            if r.predecessor == sender and "Transfer" in r.actions and not r.is_refund]


# --- a callee that keeps the deposit and fails ---------------------------------------------


def test_callee_keeping_the_deposit_and_failing_costs_the_wallet_nothing(w):
    w.mode_of_callee("fail")
    wallet_before, callee_before = w.near(WALLET), w.near(CALLEE)
    out = w.call("forward", {"callee": CALLEE}, deposit=D)
    assert out.value["success"] is False and out.value["status"] == 2
    assert _transfers_from(out, WALLET) == []  # no "refund" paid from the wallet
    assert w.near(CALLEE) - callee_before >= D  # the callee kept it
    assert w.near(WALLET) >= wallet_before
    assert w.done() == 0  # credit= only on success
    assert w.ns_keys() == []  # settled once, unlocked


def test_failed_call_returns_the_deposit_to_the_caller_by_the_protocol(w):
    w.mode_of_callee("panic")
    before, wallet_before = w.near("alice.near"), w.near(WALLET)
    out = w.call("forward", {"callee": CALLEE}, deposit=D)
    assert out.value["success"] is False
    assert _deposit_back(out, "alice.near") == [D]  # refund_to: once, straight to alice
    assert _transfers_from(out, WALLET) == []
    assert before - w.near("alice.near") < NEAR // 100  # only gas
    assert w.near(WALLET) >= wallet_before
    assert w.done() == 0 and w.ns_keys() == []


def test_forwarded_deposit_is_credited_only_after_success(w):
    out = w.call("forward", {"callee": CALLEE}, deposit=D)
    assert out.value == {"label": "fwd", "success": True, "status": 1, "data": "ok",
                         "ok": True}
    assert w.done() == 1 and w.ns_keys() == []


# --- a join where one call fails: one settlement over all results -------------------------


def test_join_where_one_call_fails_settles_once_and_returns_only_the_failed_part(w):
    before = w.near("alice.near")
    out = w.call("split", {"a": CALLEE, "b": "nobody.near"}, deposit=2 * D)
    assert out.value["status"] == [1, 2] and out.value["data"] == ["ok", None]
    # the half sent to the missing account comes back by the protocol, once; the callee's
    # half was spent; the wallet pays nothing and credits nothing
    assert _deposit_back(out, "alice.near") == [D]
    assert _transfers_from(out, WALLET) == []
    assert before - w.near("alice.near") - D < NEAR // 100
    assert w.done() == 0 and w.ns_keys() == []
    assert len([r for r in out.receipts if r.method == "on_split"]) == 1


def test_join_where_every_call_succeeds_credits_once(w):
    out = w.call("split", {"a": CALLEE, "b": CALLEE}, deposit=2 * D)
    assert out.value["status"] == [1, 1]
    assert w.done() == 1 and w.ns_keys() == []


def test_promise_all_paid_from_a_ledger_returns_the_failed_part_to_the_user(w):
    out = w.call("split_all", {"a": CALLEE, "b": "nobody.near", "amount": str(2 * D)})
    assert out.value["label"] == "all" and out.value["status"] == [1, 2]
    assert w.balance() == TOP_UP - 2 * D  # debited by ledger name when the NEAR left
    assert _deposit_back(out, "alice.near") == [D]  # the failed half, to alice, once
    assert _transfers_from(out, WALLET) == []
    assert w.done() == 0 and w.ns_keys() == []


def test_join_with_a_tuple_debit_is_refused_before_anything_leaves(w):
    state = w.storage()
    out = w.call("split_debit_tuple", {"a": CALLEE, "b": "nobody.near", "amount": str(2 * D)})
    assert "join: debit=(ledger, account, amount) cannot be restored per call" in out.error
    assert w.storage() == state
    assert [r for r in out.receipts if "Transfer" in r.actions and not r.is_refund] == []


# --- a batch transfer to a missing account ---------------------------------------------------


@pytest.mark.parametrize("method", ["withdraw", "withdraw_sdk_then"])
def test_batch_transfer_to_a_missing_account_is_restored(w, method):
    wallet_before = w.near(WALLET)
    out = w.call(method, {"to": "nobody.near", "amount": str(D)})
    assert out.value is False
    assert w.balance() == TOP_UP  # restored by the settlement
    assert w.near(WALLET) >= wallet_before  # the NEAR came back to the wallet, which owes it
    assert w.ns_keys() == []


def test_batch_transfer_that_arrives_is_debited_once(w):
    before = w.near("alice.near")
    out = w.call("withdraw", {"to": "alice.near", "amount": str(D)})
    assert out.value is True
    assert w.balance() == TOP_UP - D
    assert w.near("alice.near") - before > D - NEAR // 100
    assert w.ns_keys() == []


@pytest.mark.parametrize("method,message", [
    ("withdraw_bare", "Method withdraw_bare: a promise was built but never sent"),
    ("withdraw_value", "a promise carrying NEAR or settle(...) needs a callback"),
])
def test_unsettled_batch_transfer_is_refused_and_changes_nothing(w, method, message):
    """near-sdk-py sends these transfers with nobody settling a failure; near_safe refuses."""
    state = w.storage()
    out = w.call(method, {"to": "nobody.near", "amount": str(D)})
    assert out.status == "failure" and message in out.error
    assert w.storage() == state and w.balance() == TOP_UP
    assert _transfers_from(out, WALLET) == []


# --- a transfer plus a call, several calls to one receiver -----------------------------------


def test_transfer_plus_call_fails_whole_and_the_deposit_returns_to_the_caller(w):
    w.mode_of_callee("panic")
    callee_before = w.near(CALLEE)
    out = w.call("pay_and_call", {"callee": CALLEE}, deposit=D)
    assert out.value["success"] is False
    assert _deposit_back(out, "alice.near") == [D]
    assert w.near(CALLEE) - callee_before < NEAR // 100  # the transfer was undone with the call
    assert w.done() == 0 and w.ns_keys() == []


def test_transfer_plus_call_that_succeeds_is_credited(w):
    callee_before = w.near(CALLEE)
    out = w.call("pay_and_call", {"callee": CALLEE}, deposit=D)
    assert out.value["success"] is True and out.value["label"] == "batch"
    assert w.near(CALLEE) - callee_before >= D
    assert w.done() == 1 and w.ns_keys() == []


def test_several_calls_to_one_receiver_run_in_one_receipt(w):
    out = w.call("two_calls", {"callee": CALLEE})
    assert out.value["success"] is True and out.value["data"] == "ok"
    assert w.callee.view("calls", {}) == ["a", "b"]
    [receipt] = [r for r in out.receipts if r.receiver == CALLEE and not r.is_refund]
    assert receipt.actions == ("FunctionCall", "FunctionCall")


def test_plain_call_without_value_needs_no_callback(w):
    assert w.call("ask_plain", {"callee": CALLEE}).value == "ok"


# --- answers: non-JSON, huge ---------------------------------------------------------------


DEEP = "[" * 30 + "1" + "]" * 30  # JSON, but deeper than strict JSON reads (28)


@pytest.mark.parametrize("mode,data,ok", [
    ("raw:hello world", "hello world", True),  # a near-sdk-py method's str: raw UTF-8
    ("raw:42", 42, True),  # raw "42" reads as the JSON number, as near-sdk-py reads it
    ('json:{"x": [1, 2]}', {"x": [1, 2]}, True),
    ('json:"quoted"', "quoted", True),
    ("big:1500", "a" * 1500, True),  # not JSON, within the bound: the text
    ("big:5000", None, False),  # above MAX_RESULT: not read
    ("json:" + DEEP, DEEP, True),  # not read as JSON: the text
])
def test_callee_answers_are_read_as_near_sdk_py_reads_them_and_settlement_commits(
        w, mode, data, ok):
    w.mode_of_callee(mode)
    out = w.call("ask", {"callee": CALLEE})
    assert out.status == "success", out.error
    assert out.value["data"] == data
    assert out.value["ok"] is ok and out.value["success"] is True
    assert w.ns_keys() == []  # the lock was released whatever the answer


def test_answer_that_is_not_utf8_is_the_bytes(w):
    w.rt.patch_state(CALLEE, data={"mode": b"raw:\xff\xfe"})
    out = w.call("ask", {"callee": CALLEE})
    assert out.value["data"] == ["bytes", 2, None] and w.ns_keys() == []


# --- calling the callbacks directly ------------------------------------------------------


@pytest.mark.parametrize("method,args", [
    ("on_withdraw", {}), ("on_result", {"label": "x"}), ("on_split", {"label": "x"}),
])
def test_callbacks_are_callable_only_as_this_contracts_callbacks(w, method, args):
    state = w.storage()
    out = w.call(method, args)
    assert out.status == "failure" and f"Method {method} is private" in out.error
    assert w.storage() == state


def test_then_must_name_a_callback_of_this_contract(w):
    out = w.call("then_not_a_callback", {"callee": CALLEE})
    assert "then: then='top_up' is not a @callback of this contract" in out.error
    assert w.callee.view("calls", {}) == []  # nothing left


# --- re-entering between call and callback -------------------------------------------------


def test_withdraw_again_while_one_is_in_flight_is_locked(w):
    first = w.alice.submit(w.wallet, "withdraw", {"to": "nobody.near", "amount": str(TOP_UP)},
                           gas=w_gas())
    w.rt.step()
    assert "on_withdraw" in [p.method for p in w.rt.pending()]  # in flight
    assert w.balance() == 0  # debited when the transfer left
    again = w.alice.submit(w.wallet, "withdraw", {"to": "alice.near", "amount": str(D)},
                           gas=w_gas())
    w.rt.run()
    out, grabbed = first.outcome(), again.outcome()
    assert grabbed.receipt("withdraw").block_height <= out.receipt("on_withdraw").block_height
    assert grabbed.status == "failure" and "Locked: alice.near" in grabbed.error
    assert out.value is False and w.balance() == TOP_UP  # restored once
    assert w.ns_keys() == []


def test_withdraw_without_lock_cannot_spend_what_is_in_flight(w):
    first = w.alice.submit(w.wallet, "withdraw_unlocked",
                           {"to": "nobody.near", "amount": str(TOP_UP)}, gas=w_gas())
    w.rt.step()
    again = w.alice.submit(w.wallet, "withdraw_unlocked",
                           {"to": "alice.near", "amount": str(TOP_UP)}, gas=w_gas())
    w.rt.run()
    assert "Not enough balance in bal for alice.near" in again.outcome().error
    assert first.outcome().value is False and w.balance() == TOP_UP


# --- gas before anything leaves ------------------------------------------------------------


def test_too_little_gas_is_refused_before_any_state_change_with_the_gas_to_attach(w):
    state = w.storage()
    out = w.call("withdraw", {"to": "alice.near", "amount": str(D)}, gas=12 * TGAS)
    m = re.search(r"Method withdraw: not enough gas: attach at least (\d+) Tgas", out.error)
    assert m, out.error
    assert int(m.group(1)) * TGAS >= OWN_GAS + CALLBACK_GAS  # the callback's gas is reserved
    assert w.storage() == state
    assert w.call("withdraw", {"to": "alice.near", "amount": str(D)},
                  gas=int(m.group(1)) * TGAS).value is True


def test_forward_reserves_the_calls_static_gas_and_the_callbacks(w):
    out = w.call("forward", {"callee": CALLEE}, deposit=D, gas=20 * TGAS)
    m = re.search(r"Method forward: not enough gas: attach at least (\d+) Tgas", out.error)
    assert m, out.error
    assert int(m.group(1)) * TGAS >= OWN_GAS + EXTERNAL_GAS + CALLBACK_GAS
    assert w.call("forward", {"callee": CALLEE}, deposit=D,
                  gas=int(m.group(1)) * TGAS).value["success"] is True


def w_gas():
    return 300 * TGAS


# --- a second hop from a callback body -----------------------------------------------------


def test_callback_body_chains_a_second_call_sent_when_it_returns(w):
    out = w.call("chain", {"callee": CALLEE, "how": "ok"})
    assert out.value["label"] == "second" and out.value["success"] is True
    assert w.callee.view("calls", {}) == ["a", "b"]
    assert w.wallet.view("first", {}) == "ok"


@pytest.mark.parametrize("how,message", [
    ("raise", "callback body raised ValueError: boom"),
    ("unsent", "a promise was built but never sent"),
])
def test_callback_body_that_fails_sends_nothing_and_keeps_no_write(w, how, message):
    out = w.call("chain", {"callee": CALLEE, "how": how})
    assert out.status == "success"
    assert any(message in log for r in out.receipts for log in r.logs), out.receipts
    assert w.callee.view("calls", {}) == ["a"]  # the second call never left
    assert w.wallet.view("first", {}) is None  # the body's write was dropped
    assert w.ns_keys() == []


# --- account actions -------------------------------------------------------------------------


def test_subaccount_batch_is_created_and_a_second_one_returns_the_deposit(w):
    out = w.call("make_subaccount", {"name": "sub"}, deposit=D)
    assert out.value is True
    assert w.near("sub.wallet.near") == D and len(w.rt.access_keys("sub.wallet.near")) == 1
    before = w.near("alice.near")
    again = w.call("make_subaccount", {"name": "sub"}, deposit=D)  # exists: the receipt fails
    assert again.value is False
    assert _deposit_back(again, "alice.near") == [D]
    assert before - w.near("alice.near") < NEAR // 100
    assert w.near("sub.wallet.near") == D and w.ns_keys() == []
