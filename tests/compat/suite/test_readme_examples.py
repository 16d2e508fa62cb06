"""near-pytest 1.0.0's README examples, both styles, as written there (only the contract path
and two README lines that fail on near-pytest itself are adapted: ``int(result)`` raises
TypeError because ContractResponse has no ``__int__``, so ``int(result.text)`` is used)."""

from pathlib import Path

import pytest
from near_pytest.compiler import compile_contract
from near_pytest.testing import NearTestCase

CONTRACT = Path(__file__).resolve().parent.parent / "contracts" / "readme_counter.py"


# -- Modular Fixtures Approach ---------------------------------------------------------------

@pytest.fixture(scope="session")
def counter_wasm():
    """Compile the counter contract."""
    return compile_contract(CONTRACT, single_file=True)


@pytest.fixture
def counter_contract(sandbox, counter_wasm):
    """Deploy a fresh counter contract for each test."""
    account = sandbox.create_random_account("counter")
    return sandbox.deploy(
        wasm_path=counter_wasm,
        account=account,
        init_args={"starting_count": 0}
    )


def test_increment(counter_contract, localnet_alice_account):
    """Test incrementing the counter."""
    result = counter_contract.call("increment").as_transaction(localnet_alice_account)
    assert int(result.text) == 1

    count = counter_contract.call("get_count").as_view()
    assert int(count.text) == 1


@pytest.fixture
def fresh_counter(sandbox, counter_wasm, temp_account):
    """Deploy a fresh counter contract for each test."""
    return sandbox.deploy(
        wasm_path=counter_wasm,
        account=temp_account,
        init_args={"starting_count": 0}
    )


def test_increment_fresh(fresh_counter, sandbox_alice):
    """Test incrementing a fresh counter."""
    result = fresh_counter.call("increment").as_transaction(sandbox_alice)
    assert int(result.text) == 1

    result = fresh_counter.call("increment").as_transaction(sandbox_alice)
    assert int(result.text) == 2


def test_readme_int_of_a_response_fails_on_near_pytest_itself(fresh_counter, sandbox_alice):
    result = fresh_counter.call("increment").as_transaction(sandbox_alice)
    with pytest.raises(TypeError):
        int(result)


# -- Class-based Approach ----------------------------------------------------------------------

class TestCounter(NearTestCase):
    @classmethod
    def setup_class(cls):
        super().setup_class()
        wasm_path = cls.compile_contract(CONTRACT, single_file=True)
        cls.counter = cls.create_account("counter")
        cls.counter_contract = cls.deploy_contract(
            cls.counter,
            wasm_path,
            init_args={"starting_count": 0}
        )
        cls.alice = cls.create_account("alice")
        cls.bob = cls.create_account("bob")
        cls.save_state()

    def setup_method(self):
        self.reset_state()

    def test_increment(self):
        result = self.counter_contract.call("increment", {})
        assert int(result.text) == 1

    def test_increment_again_starts_from_the_saved_state(self):
        result = self.counter_contract.call("increment", {})
        assert int(result.text) == 1
        view_result = self.counter_contract.view("get_count", {})
        assert view_result.json() == 1
