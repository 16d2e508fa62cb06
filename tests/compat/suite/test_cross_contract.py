"""Cross-contract calls with callbacks, callback security, deposits, refunds and gas, written
against near-pytest 1.0.0's API exactly as its users do (NearTestCase, call_as, view,
view_account, return_full_result)."""

from pathlib import Path

import pytest
from near_pytest.models import ContractCallError
from near_pytest.testing import NearTestCase

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
NEAR = 10**24
TGAS = 10**12
GAS_PRICE = 100_000_000  # yoctoNEAR per gas: the sandbox's minimum gas price


def balance(client, account_id):
    return int(client.view_account(account_id)["amount"])


def contract_receipts(tx):
    """Receipt outcomes that ran contract code or actions, without the gas refunds (system
    receipts: the RPC reports their gas_burnt but burns no tokens for them)."""
    return [r for r in tx.receipt_outcome if int(r.tokens_burnt) > 0]


def tokens_burnt(tx):
    """Everything a transaction burnt: its conversion plus every receipt."""
    return int(tx.transaction_outcome.tokens_burnt) + sum(
        int(r.tokens_burnt) for r in tx.receipt_outcome)


class TestRelay(NearTestCase):
    @classmethod
    def setup_class(cls):
        super().setup_class()
        counter_wasm = cls.compile_contract(CONTRACTS / "counter.py")
        relay_wasm = cls.compile_contract(CONTRACTS / "relay.py")
        cls.create_account("alice", initial_balance=50 * NEAR)
        cls.create_account("bob")
        counter_account = cls.create_account("counter")
        relay_account = cls.create_account("relay")
        cls.create_account("mallory")
        cls.counter = cls.deploy_contract(counter_account, counter_wasm,
                                          init_args={"owner": "bob.test.near"})
        cls.relay = cls.deploy_contract(relay_account, relay_wasm,
                                        init_args={"counter": "counter.test.near"})
        cls.evil = cls.deploy_contract(cls.mallory, relay_wasm,
                                       init_args={"counter": "counter.test.near"})
        cls.save_state()

    def setup_method(self):
        self.reset_state()

    # -- call + callback ------------------------------------------------------------------

    def test_callback_result_is_the_transaction_result(self):
        result = self.relay.call_as(self.alice, "bump", {"by": 4})
        assert result.json() == {"ok": True, "count": 4, "by": 4}
        assert self.counter.view("get_count").json() == 4
        assert self.relay.view("get_last").json() == {"last": 4}
        assert self.relay.view("get_settled").json() == 1

    def test_receipts_run_relay_then_counter_then_callback(self):
        _, tx = self.relay.call_as(self.alice, "bump", {"by": 1}, return_full_result=True)
        receipts = contract_receipts(tx)
        assert len(receipts) == 3
        first, callee, callback = receipts
        assert "SuccessReceiptId" in first.status  # bump returned the callback's promise
        assert callee.logs == ["INFO: count is now 1"]
        assert "SuccessValue" in callback.status
        assert tx.status == callback.status

    def test_failing_callee_reaches_the_callback(self):
        result = self.relay.call_as(self.alice, "bump_failing", {"reason": "no thanks"})
        assert result.json() == {"ok": False, "by": 0}  # the transaction itself succeeds
        assert self.relay.view("get_failures").json() == 1
        assert self.counter.view("get_count").json() == 0

    def test_failing_callee_is_visible_in_the_receipt_outcomes(self):
        _, tx = self.relay.call_as(self.alice, "bump_failing", {"reason": "no thanks"},
                                   return_full_result=True)
        failures = [r for r in tx.receipt_outcome if "Failure" in r.status]
        assert len(failures) == 1
        assert failures[0].error.error == {"ExecutionError": "Smart contract panicked: no thanks"}

    # -- callback security ----------------------------------------------------------------

    def test_callback_cannot_be_called_directly_by_a_user(self):
        with pytest.raises(ContractCallError) as info:
            self.relay.call_as(self.alice, "on_bumped", {"by": 1000})
        assert "This function can only be called as a callback" in str(info.value)
        assert self.relay.view("get_settled").json() == 0

    def test_callback_rejects_another_contract_posing_as_its_caller(self):
        # mallory's relay runs a real promise and names victim.on_bumped as its callback:
        # there IS a promise result, but the predecessor is mallory, not the relay itself.
        with pytest.raises(ContractCallError) as info:
            self.evil.call_as(self.alice, "attack", {"victim": "relay.test.near"})
        assert "Callbacks can only be called by the contract itself" in str(info.value)
        assert self.relay.view("get_last").json() == {"last": None}
        assert self.relay.view("get_settled").json() == 0

    # -- deposits, balances and refunds ------------------------------------------------------

    def test_deposit_moves_tokens_and_gas_is_paid_by_the_signer(self):
        alice_before = balance(self._client, "alice.test.near")
        counter_before = balance(self._client, "counter.test.near")
        result, tx = self.counter.call_as(self.alice, "donate", amount=2 * NEAR,
                                          return_full_result=True)
        assert result.text == str(2 * NEAR)
        assert self.counter.view("get_donation", {"account_id": "alice.test.near"}).json() == {
            "amount": str(2 * NEAR)}
        burnt = tokens_burnt(tx)
        assert burnt > 0
        assert alice_before - balance(self._client, "alice.test.near") == 2 * NEAR + burnt
        gained = balance(self._client, "counter.test.near") - counter_before
        # plus its 30% share of the gas before protocol 87 (the neard 2.4.0 sandbox runs 73);
        # from 87 (the embedded runtime's default, 88) no reward (docs/protocol.md 4.7)
        assert 2 * NEAR <= gained < 2 * NEAR + burnt

    def test_event_log_of_a_deposit(self):
        _, tx = self.counter.call_as(self.alice, "donate", amount=NEAR, return_full_result=True)
        (log,) = tx.receipt_outcome[0].logs
        assert log.startswith("EVENT_JSON:") and f'"amount": "{NEAR}"' in log

    def test_owner_withdraw_sends_tokens(self):
        self.counter.call_as(self.alice, "donate", amount=3 * NEAR)
        counter_before = balance(self._client, "counter.test.near")
        bob_before = balance(self._client, "bob.test.near")
        _, tx = self.counter.call_as(self.bob, "withdraw", {"amount": str(NEAR)},
                                     return_full_result=True)
        # bob (the owner) receives 1 NEAR and pays the gas; the counter pays 1 NEAR and, before
        # protocol 87 (the sandbox's 73), earns its 30% share of the gas its code burnt
        assert balance(self._client, "bob.test.near") - bob_before == NEAR - tokens_burnt(tx)
        paid = counter_before - balance(self._client, "counter.test.near")
        assert NEAR - tokens_burnt(tx) < paid <= NEAR

    def test_withdraw_by_a_stranger_moves_nothing(self):
        self.counter.call_as(self.alice, "donate", amount=3 * NEAR)
        before = balance(self._client, "counter.test.near")
        with pytest.raises(ContractCallError):
            self.counter.call_as(self.mallory, "withdraw", {"amount": str(NEAR)})
        assert balance(self._client, "counter.test.near") >= before

    def test_forwarded_deposit_reaches_the_callee(self):
        result = self.relay.call_as(self.alice, "forward_donation", amount=NEAR)
        assert result.json() == {"forwarded": str(NEAR)}
        assert self.counter.view("get_donation", {"account_id": "relay.test.near"}).json() == {
            "amount": str(NEAR)}

    def test_failed_forward_refunds_the_user(self):
        alice_before = balance(self._client, "alice.test.near")
        result, tx = self.relay.call_as(self.alice, "forward_donation", {"fail": True},
                                        amount=5 * NEAR, return_full_result=True)
        assert result.json() == {"refunded": str(5 * NEAR)}
        spent = alice_before - balance(self._client, "alice.test.near")
        assert spent == tokens_burnt(tx)  # only gas: the 5 NEAR came back
        assert self.counter.view("get_donation", {"account_id": "relay.test.near"}).json() == {
            "amount": "0"}

    def test_deposit_larger_than_the_balance_is_rejected_before_running(self):
        from py_near.exceptions.provider import NotEnoughBalance

        with pytest.raises(NotEnoughBalance):
            self.counter.call_as(self.alice, "donate", amount=1000 * NEAR)
        assert self.counter.view("get_donation", {"account_id": "alice.test.near"}).json() == {
            "amount": "0"}

    # -- gas ---------------------------------------------------------------------------------

    def test_attached_gas_reaches_the_contract(self):
        ctx = self.counter.call_as(self.alice, "echo_context", gas=42 * TGAS).json()
        assert ctx["prepaid_gas"] == 42 * TGAS

    def test_default_gas_is_near_pytest_default(self):
        _, tx = self.counter.call_as(self.alice, "echo_context", return_full_result=True)
        assert tx.transaction.actions[0].gas == 200 * TGAS

    def test_too_little_gas_fails_with_exceeded_prepaid_gas(self):
        with pytest.raises(ContractCallError) as info:
            self.counter.call_as(self.alice, "increment", gas=1 * TGAS)
        kind = info.value.transaction_result.status["Failure"]["ActionError"]["kind"]
        assert kind == {"FunctionCallError": {"ExecutionError": "Exceeded the prepaid gas."}}
        assert self.counter.view("get_count").json() == 0

    def test_too_much_gas_is_an_invalid_transaction(self):
        from py_near.exceptions.provider import InvalidTxError

        # protocol 83+ allows 1,000 Tgas per transaction (300 Tgas before)
        with pytest.raises(InvalidTxError):
            self.counter.call_as(self.alice, "increment", gas=1001 * TGAS)
        assert self.counter.view("get_count").json() == 0

    def test_gas_burnt_is_reported_per_receipt_and_priced(self):
        _, tx = self.relay.call_as(self.alice, "bump", return_full_result=True)
        assert tx.transaction_outcome.gas_burnt > 0
        used = contract_receipts(tx)
        assert len(used) == 3
        for r in used + [tx.transaction_outcome]:
            assert int(r.tokens_burnt) == r.gas_burnt * GAS_PRICE
        total = tx.transaction_outcome.gas_burnt + sum(r.gas_burnt for r in used)
        # three near-sdk-py receipts: several Tgas each, well under the 200 Tgas attached
        assert 3 * TGAS < total < 200 * TGAS
