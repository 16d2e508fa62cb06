"""Storage, views, panics, logs and account naming, written against near-pytest 1.0.0's API
(NearTestCase) exactly as its users do.  Nothing here knows which backend runs it."""

import json
from pathlib import Path

import pytest
from near_pytest.models import ContractCallError, ContractResponse
from near_pytest.testing import NearTestCase

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"


class TestCounter(NearTestCase):
    @classmethod
    def setup_class(cls):
        super().setup_class()
        cls.wasm = cls.compile_contract(CONTRACTS / "counter.py")
        cls.create_account("owner")
        cls.create_account("alice")
        cls.create_account("bob", initial_balance=3 * 10**24)
        cls.counter = cls.deploy_contract(cls.owner, cls.wasm,
                                          init_args={"owner": "owner.test.near", "start": 5})
        cls.save_state()

    def setup_method(self):
        self.reset_state()

    # -- accounts and naming ------------------------------------------------------------

    def test_accounts_are_subaccounts_of_test_near(self):
        assert self.master.account_id == "test.near"
        assert self.alice.account_id == "alice.test.near"
        assert self.owner.account_id == "owner.test.near"
        assert self.counter.account_id == "owner.test.near"

    def test_initial_balances_follow_near_pytest_defaults(self):
        alice = self._client.view_account("alice.test.near")
        bob = self._client.view_account("bob.test.near")
        assert int(alice["amount"]) == 10 * 10**24  # near-pytest's default: 10 NEAR
        assert int(bob["amount"]) == 3 * 10**24
        assert alice["code_hash"] == "11111111111111111111111111111111"
        assert self._client.view_account("owner.test.near")["code_hash"] != alice["code_hash"]

    # -- init, storage, views --------------------------------------------------------------

    def test_init_args_were_applied(self):
        assert self.counter.view("get_count").json() == 5
        assert self.counter.view("get_owner").json() == {"owner": "owner.test.near"}

    def test_call_returns_contract_response_with_text_and_json(self):
        result = self.counter.call_as(self.alice, "increment", {"by": 3})
        assert isinstance(result, ContractResponse)
        assert result.text == "8"
        assert result.json() == 8
        assert str(result) == "8"

    def test_storage_persists_between_calls(self):
        self.counter.call_as(self.alice, "increment")
        self.counter.call_as(self.bob, "increment", {"by": 10})
        assert self.counter.view("get_count").json() == 16

    def test_string_values_and_missing_keys(self):
        saved = self.counter.call_as(self.alice, "set_note", {"key": "k1", "text": "héllo"})
        assert saved.text == "saved k1"  # a str return value is raw UTF-8, not JSON
        # py-near decodes view bytes one byte per character: non-ASCII text comes back
        # mangled on the sandbox too (kept identical so the same assertions hold)
        assert self.counter.view("get_note", {"key": "k1"}).json() == {
            "text": "héllo".encode().decode("latin-1")}
        assert self.counter.view("get_note", {"key": "nope"}).json() == {"text": None}
        assert self.counter.call_as(self.alice, "delete_note", {"key": "k1"}).json() is True
        assert self.counter.view("get_note", {"key": "k1"}).json() == {"text": None}

    def test_view_text_is_json_dumps_of_the_decoded_value(self):
        who = self.counter.view("whoami")
        assert who.json()["current"] == "owner.test.near"
        assert who.text == json.dumps(who.json())

    def test_account_view_contract_returns_the_plain_value(self):
        assert self.alice.view_contract("owner.test.near", "get_count") == 5

    def test_account_call_contract_and_contract_call_as_itself(self):
        ctx = self.alice.call_contract("owner.test.near", "echo_context").json()
        assert ctx["predecessor"] == ctx["signer"] == "alice.test.near"
        own = self.counter.call("echo_context").json()
        assert own["predecessor"] == "owner.test.near"

    def test_view_of_a_non_json_string_raises_like_py_near(self):
        with pytest.raises(json.JSONDecodeError):
            self.counter.view("raw_text")

    # -- errors ----------------------------------------------------------------------------

    def test_panic_raises_contract_call_error_with_the_message(self):
        with pytest.raises(ContractCallError) as info:
            self.counter.call_as(self.alice, "fail", {"reason": "nope"})
        err = info.value
        assert err.message == "Error calling function"
        failure = err.transaction_result.status["Failure"]["ActionError"]["kind"]
        assert failure == {"FunctionCallError": {"ExecutionError": "Smart contract panicked: nope"}}
        text = str(err)
        assert '"method_name": "fail"' in text and "Smart contract panicked: nope" in text
        assert '"signer": "alice.test.near"' in text

    def test_failed_call_rolls_back_its_writes(self):
        with pytest.raises(ContractCallError):
            self.counter.call_as(self.alice, "fail")
        assert self.counter.view("get_count").json() == 5

    def test_owner_check_rejects_others(self):
        with pytest.raises(ContractCallError) as info:
            self.counter.call_as(self.alice, "owner_reset")
        assert "AccessDenied: Only the owner can perform this action" in str(info.value)
        assert self.counter.call_as(self.owner, "owner_reset").json() == 0

    def test_unknown_method_is_a_method_resolve_error(self):
        with pytest.raises(ContractCallError) as info:
            self.counter.call_as(self.alice, "no_such_method")
        kind = info.value.transaction_result.status["Failure"]["ActionError"]["kind"]
        assert kind == {"FunctionCallError": {"MethodResolveError": "MethodNotFound"}}

    def test_view_failures_raise_py_near_errors(self):
        from py_near.account import ViewFunctionError
        from py_near.exceptions.provider import NoContractCodeError, UnknownAccount

        with pytest.raises(ViewFunctionError) as info:
            self.counter.view("no_such_method")
        assert str(info.value) == ("wasm execution failed with error: "
                                   "MethodResolveError(MethodNotFound)")
        with pytest.raises(ViewFunctionError) as info:
            self.counter.view("who_called")
        assert str(info.value) == (
            "wasm execution failed with error: HostError(ProhibitedInView "
            '{ method_name: "predecessor_account_id" })')
        with pytest.raises(UnknownAccount):
            self.alice.view_contract("ghost.test.near", "get_count")
        with pytest.raises(NoContractCodeError):
            self.alice.view_contract("alice.test.near", "get_count")

    def test_call_to_a_missing_account_fails_in_the_receipt(self):
        with pytest.raises(ContractCallError) as info:
            self.alice.call_contract("ghost.test.near", "anything")
        kind = info.value.transaction_result.status["Failure"]["ActionError"]["kind"]
        assert kind == {"AccountDoesNotExist": {"account_id": "ghost.test.near"}}

    # -- logs and full results ------------------------------------------------------------

    def test_full_result_carries_logs_and_outcomes(self):
        response, tx = self.counter.call_as(self.alice, "increment", {"by": 1},
                                            return_full_result=True)
        assert response.json() == 6
        assert tx.transaction.signer_id == "alice.test.near"
        assert tx.transaction.receiver_id == "owner.test.near"
        action = tx.transaction.actions[0]
        assert action.method_name == "increment" and action.args == {"by": 1}
        assert tx.receipt_outcome[0].logs == ["INFO: count is now 6"]
        assert "SuccessValue" in tx.receipt_outcome[0].status

    # -- save_state / reset_state ------------------------------------------------------------

    def test_reset_state_part_one_changes_state(self):
        self.counter.call_as(self.alice, "increment", {"by": 100})
        self.counter.call_as(self.alice, "set_note", {"key": "left", "text": "over"})
        assert self.counter.view("get_count").json() == 105

    def test_reset_state_part_two_sees_the_saved_state(self):
        assert self.counter.view("get_count").json() == 5
        assert self.counter.view("get_note", {"key": "left"}).json() == {"text": None}

    def test_reset_state_returns_true(self):
        assert self.reset_state() is True


class TestWithoutSavedState(NearTestCase):
    @classmethod
    def setup_class(cls):
        super().setup_class()
        cls.create_account("carol")

    def test_each_class_gets_its_own_sandbox(self):
        # TestCounter's accounts do not exist in this class's sandbox
        from py_near.exceptions.provider import UnknownAccount

        with pytest.raises(UnknownAccount):
            self._client.view_account("alice.test.near")
        assert self._client.view_account("carol.test.near")["amount"] == str(10 * 10**24)

    def test_reset_without_save_warns_and_returns_false(self):
        assert self.reset_state() is False
