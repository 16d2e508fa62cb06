"""The backend's own promises, beyond what the user-style suite shows: what it cannot honour
fails loudly with a message naming the feature and the alternative; hand-written state patches
work; the swap is complete and reversible; compile errors keep near-pytest's type."""

from pathlib import Path

import pytest

from near_safe import compat
from near_safe.compat import UnsupportedOnEmbedded
from near_safe.errors import NearSafeError

CONTRACTS = Path(__file__).resolve().parent / "contracts"


@pytest.fixture(scope="module")
def case():
    """A started NearTestCase class with a deployed counter, as setup_class leaves it."""
    from near_pytest.testing import NearTestCase

    class Case(NearTestCase):
        pass

    Case.setup_class()
    wasm = Case.compile_contract(CONTRACTS / "counter.py")
    Case.create_account("alice")
    owner = Case.create_account("owner")
    Case.counter = Case.deploy_contract(owner, wasm, init_args={"owner": "owner.test.near"})
    yield Case
    Case.teardown_class()


def test_swap_covers_every_place_near_pytest_looks_its_collaborators_up():
    import near_pytest
    import near_pytest.client
    import near_pytest.compiler
    import near_pytest.fixtures
    import near_pytest.sandbox
    import near_pytest.testing

    assert compat.is_active()
    for module in (near_pytest, near_pytest.sandbox, near_pytest.testing, near_pytest.fixtures):
        assert module.SandboxManager is compat.EmbeddedSandboxManager
    for module in (near_pytest, near_pytest.client, near_pytest.testing, near_pytest.fixtures):
        assert module.NearClient is compat.EmbeddedNearClient
    assert near_pytest.compiler.compile_contract is near_pytest.fixtures.compiler_func
    assert near_pytest.compiler.compile_contract.__module__ == "near_safe.compat._compiler"


def test_deactivate_puts_near_pytest_back_and_activate_swaps_again():
    import near_pytest.testing
    from near_pytest.utils import binary

    compat.deactivate()
    try:
        assert not compat.is_active()
        assert near_pytest.testing.SandboxManager.__module__ == "near_pytest.sandbox"
        assert not hasattr(binary.ensure_sandbox_binary, "near_safe_guard")
    finally:
        compat.activate()
    assert near_pytest.testing.SandboxManager is compat.EmbeddedSandboxManager


def test_sandbox_binary_helpers_refuse_to_run():
    from near_pytest.utils import binary

    for helper in (binary.ensure_sandbox_binary, binary.download_binary):
        with pytest.raises(UnsupportedOnEmbedded, match="--near-backend=sandbox"):
            helper()


def test_raw_rpc_methods_other_than_patch_state_are_refused(case):
    provider = case._client._master_account.provider
    with pytest.raises(UnsupportedOnEmbedded) as info:
        case._client._run_async(provider.json_rpc("block", {"finality": "final"}))
    assert "'block'" in str(info.value) and "--near-backend=sandbox" in str(info.value)
    with pytest.raises(UnsupportedOnEmbedded, match="sandbox_fast_forward.*rt.step"):
        case._client._run_async(provider.json_rpc("sandbox_fast_forward", {"delta_height": 5}))
    with pytest.raises(UnsupportedOnEmbedded, match="JsonProvider.get_block"):
        _ = provider.get_block


def test_py_near_account_methods_are_refused_with_the_alternative(case):
    with pytest.raises(UnsupportedOnEmbedded) as info:
        _ = case._client._master_account.function_call
    assert "Account.function_call" in str(info.value)
    assert "call_as" in str(info.value)
    assert isinstance(info.value, NearSafeError)


def test_a_client_for_a_real_rpc_url_is_refused():
    from near_pytest.client import NearClient

    with pytest.raises(UnsupportedOnEmbedded, match="http://localhost:3030"):
        NearClient("http://localhost:3030", "test.near", "ed25519:abc")


def test_neard_commands_are_refused():
    from near_pytest.sandbox import SandboxManager

    with pytest.raises(UnsupportedOnEmbedded, match="neard command 'view-state dump-state'"):
        SandboxManager()._run_command(["view-state", "dump-state"])


def test_hand_written_state_records_patch_balance_and_storage(case):
    import base64
    import json

    client = case._client
    provider = client._master_account.provider
    records = [
        {"Account": {"account_id": "alice.test.near",
                     "account": {"amount": str(77 * 10**24), "locked": "0"}}},
        {"Data": {"account_id": "owner.test.near",
                  "data_key": base64.b64encode(b"count").decode(),
                  "value": base64.b64encode(json.dumps(99).encode()).decode()}},
    ]
    assert client._run_async(provider.json_rpc("sandbox_patch_state", {"records": records})) == {}
    assert client.view_account("alice.test.near")["amount"] == str(77 * 10**24)
    assert case.counter.view("get_count").json() == 99


def test_hand_written_access_key_records_are_refused(case):
    provider = case._client._master_account.provider
    record = {"AccessKey": {"account_id": "alice.test.near", "public_key": "ed25519:x",
                            "access_key": {"nonce": 0, "permission": "FullAccess"}}}
    with pytest.raises(UnsupportedOnEmbedded, match="'AccessKey' record"):
        case._client._run_async(provider.json_rpc("sandbox_patch_state", {"records": [record]}))


def test_dump_state_lists_accounts_keys_and_contract_data(case):
    state = case._sandbox.dump_state()
    kinds = {next(iter(r)) for r in state}
    assert kinds == {"Account", "AccessKey", "Data"}
    accounts = {r["Account"]["account_id"] for r in state if "Account" in r}
    assert {"test.near", "alice.test.near", "owner.test.near"} <= accounts


def test_sandbox_reset_state_returns_to_genesis(case):
    from near_pytest.sandbox import SandboxManager

    sandbox = SandboxManager()
    sandbox.start()
    from near_pytest.client import NearClient

    client = NearClient(sandbox.rpc_endpoint(), "test.near", sandbox.get_validator_key())
    client.create_account("dave")
    assert client.view_account("dave.test.near")
    sandbox.reset_state()
    from py_near.exceptions.provider import UnknownAccount

    with pytest.raises(UnknownAccount):
        client.view_account("dave.test.near")
    master = client.view_account("test.near")
    assert master["amount"] == str(10**9 * 10**24) and master["locked"] == str(5 * 10**7 * 10**24)


def test_the_runtime_behind_a_sandbox_is_reachable_for_extra_control(case):
    rt = case._sandbox.runtime
    tx = rt.submit("alice.test.near", "owner.test.near", "increment", {"by": 1})
    assert [p.method for p in rt.pending()] == ["increment"]
    rt.run()
    assert tx.outcome().status == "success"


def test_compile_errors_keep_near_pytest_type(tmp_path):
    from near_pytest.compiler import CompilerError
    from near_pytest.testing import NearTestCase

    with pytest.raises(CompilerError) as info:
        NearTestCase.compile_contract(tmp_path)
    assert isinstance(info.value, NearSafeError)
    assert "pass the contract's .py file" in str(info.value)
    bad = tmp_path / "bad.py"
    bad.write_text("from near_sdk_py import view\n\n@view\ndef f(:\n")
    with pytest.raises(CompilerError, match="Failed to compile contract"):
        NearTestCase.compile_contract(bad)


def test_a_wasm_path_is_returned_as_is(tmp_path):
    from near_pytest.testing import NearTestCase

    wasm = tmp_path / "x.wasm"
    wasm.write_bytes(b"\0asm")
    assert NearTestCase.compile_contract(wasm) == wasm.resolve()


def test_bad_backend_setting_is_a_usage_error(monkeypatch):
    from near_safe.errors import UsageError

    monkeypatch.setenv("NEAR_SAFE_BACKEND", "cloud")
    with pytest.raises(UsageError, match="NEAR_SAFE_BACKEND='cloud'.*embedded"):
        compat.backend_from_env()


@pytest.fixture
def python_mode():
    compat.activate(mode="python")  # already active: only sandboxes started from now on
    yield
    compat.activate(mode="wasm")


def test_python_mode_runs_the_contract_source_under_cpython(python_mode):
    from near_pytest.testing import NearTestCase

    class PyCase(NearTestCase):
        pass

    PyCase.setup_class()
    try:
        assert PyCase._sandbox.runtime.mode == "python"
        wasm = PyCase.compile_contract(CONTRACTS / "counter.py")
        owner = PyCase.create_account("owner")
        counter = PyCase.deploy_contract(owner, wasm, init_args={"owner": "owner.test.near"})
        assert counter.call_as(owner, "increment", {"by": 7}).json() == 7
        code = PyCase._sandbox.runtime._state.accounts["owner.test.near"].code
        assert code.kind == "python"
    finally:
        PyCase.teardown_class()


def test_python_mode_refuses_a_wasm_it_has_no_source_for(python_mode, tmp_path):
    from near_pytest.testing import NearTestCase

    class PyCase(NearTestCase):
        pass

    PyCase.setup_class()
    try:
        owner = PyCase.create_account("owner")
        stray = tmp_path / "stray.wasm"
        stray.write_bytes(b"\0asm\x01\0\0\0")
        with pytest.raises(UnsupportedOnEmbedded, match="not built by compile_contract"):
            PyCase.deploy_contract(owner, stray)
    finally:
        PyCase.teardown_class()


def test_an_account_creation_that_fails_is_reported_at_once(case):
    from near_safe.compat._errors import AccountCreationFailed

    # near-pytest names it "deep.sub.test.near", which test.near may not create (only
    # sub.test.near may); the sandbox ignores the failed transaction and every later call
    # from the account fails on its key
    with pytest.raises(AccountCreationFailed, match="CreateAccountNotAllowed|can't be created"):
        case.create_account("deep.sub")


def test_a_creation_the_signer_cannot_afford_is_rejected_like_py_near(case):
    from py_near.exceptions.provider import NotEnoughBalance

    with pytest.raises(NotEnoughBalance):
        case._client.create_subaccount("alice.test.near", "rich", initial_balance=10**30)


def test_deploy_returns_the_deploy_transaction_result(case):
    from py_near.models import TransactionResult

    wasm = case.compile_contract(CONTRACTS / "counter.py")
    bob = case.create_account("bob")
    result = bob.deploy_contract(wasm)
    assert isinstance(result, TransactionResult)
    assert result.status == {"SuccessValue": ""}
    assert result.transaction.actions[0].transactions_type == "DeployContract"
    assert result.transaction.signer_id == result.transaction.receiver_id == "bob.test.near"
    assert int(result.transaction_outcome.tokens_burnt) > 0
    assert case._client.view_account("bob.test.near")["storage_usage"] > len(wasm.read_bytes())
