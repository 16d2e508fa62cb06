"""near-pytest 1.0.0's fixture style (near_pytest.fixtures: `sandbox`, `localnet_*_account`,
`temp_account`, `near_client`, SandboxProxy.deploy, EnhancedContract call chains), written
exactly as its users do."""

from pathlib import Path

import pytest
from near_pytest.fixtures import compile_contract
from near_pytest.models import ContractCallError

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"


@pytest.fixture(scope="module")
def counter_wasm():
    return compile_contract(CONTRACTS / "counter.py")


@pytest.fixture
def counter(sandbox, localnet_temp_account, counter_wasm):
    return sandbox.deploy(counter_wasm, localnet_temp_account,
                          init_args={"owner": localnet_temp_account.account_id, "start": 1})


def test_fixture_accounts_are_named_like_near_pytest(localnet_alice_account, sandbox_bob,
                                                      temp_account):
    assert localnet_alice_account.account_id == "alice.test.near"
    assert sandbox_bob.account_id == "bob.test.near"
    prefix, _, suffix = temp_account.account_id.partition("-")
    assert prefix == "test" and suffix.endswith(".test.near") and len(suffix) == 8 + 10


def test_sandbox_proxy_identifies_localnet(sandbox):
    assert sandbox.network == "localnet"
    assert sandbox.master_account_id == "test.near"


def test_call_chain_as_transaction_and_as_view(counter, localnet_alice_account):
    assert counter.call("increment", by=2).as_transaction(localnet_alice_account).json() == 3
    assert counter.call("get_count").as_view().json() == 3


def test_call_chain_wraps_failures_in_contract_call_error(counter, localnet_alice_account):
    with pytest.raises(ContractCallError) as info:
        counter.call("fail", reason="chained").as_transaction(localnet_alice_account)
    assert info.value.message.startswith("Failed to call fail: ")
    assert isinstance(info.value.__cause__, ContractCallError)
    assert "Smart contract panicked: chained" in str(info.value.__cause__)
    with pytest.raises(ContractCallError) as info:
        counter.call("no_such_view").as_view()
    assert "MethodResolveError(MethodNotFound)" in info.value.message


def test_deposits_through_the_call_chain(counter, localnet_bob_account, near_client):
    before = int(near_client.view_account(localnet_bob_account.account_id)["amount"])
    result = counter.call("donate").as_transaction(localnet_bob_account, amount=10**24)
    assert result.text == str(10**24)
    after = int(near_client.view_account(localnet_bob_account.account_id)["amount"])
    assert 10**24 < before - after < 10**24 + 10**22


def test_save_and_reset_state_through_the_proxy(sandbox, counter, localnet_alice_account):
    state = sandbox.save_state()
    assert len(state) > 0
    counter.call("increment", by=40).as_transaction(localnet_alice_account)
    assert counter.call("get_count").as_view().json() == 41
    assert sandbox.reset_state(state) is True
    assert counter.call("get_count").as_view().json() == 1


def test_subaccounts_through_the_client(near_client, localnet_alice_account):
    sub = near_client.create_subaccount(localnet_alice_account.account_id, "vault")
    assert sub == "vault.alice.test.near"
    assert near_client.view_account(sub)["amount"] == str(10**24)  # near-pytest default 1 NEAR
    with pytest.raises(ValueError):
        near_client.create_subaccount("nobody.test.near", "x")
