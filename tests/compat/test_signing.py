"""The near-pytest backend signs with the key near-pytest holds and the runtime checks it as
neard does (issue 12, finding 4): nearcore's transaction hash, the ed25519 signature, the
signer's access keys, and neard's errors in py-near's exceptions."""

from pathlib import Path

import base58
import pytest
from nacl.signing import SigningKey

from near_safe.testing import (AccessKey, AddKey, CreateAccount, DeleteAccount, DeleteKey,
                               DeployContract, FunctionCall, InvalidTransaction, Runtime,
                               Transfer)
from near_safe.testing._types import Stake

CONTRACTS = Path(__file__).resolve().parent / "contracts"


def _key():
    sk = SigningKey.generate()
    return sk, b"\x00" + bytes(sk.verify_key)


def test_the_signed_hash_is_nearcores_for_every_action():
    """Checked against py-near's nearcore types (py_near_primitives, Rust)."""
    import py_near_primitives as p
    from py_near.transactions import calc_trx_hash

    sk, pk = _key()
    other = bytes(range(32))
    ours = [CreateAccount(), DeployContract(code=b"\0asm\1\0\0\0"),
            FunctionCall(method_name="go", args=b'{"a":1}', gas=30 * 10**12, deposit=7),
            Transfer(deposit=10**24), Stake(stake=5, public_key=b"\x00" + other),
            AddKey(b"\x00" + other, AccessKey(nonce=0)),
            AddKey(b"\x00" + other, AccessKey(nonce=3, allowance=5, receiver_id="c.near",
                                              method_names=["a", "b"])),
            AddKey(b"\x00" + other, AccessKey(nonce=0, receiver_id="c.near")),
            DeleteKey(b"\x00" + other), DeleteAccount(beneficiary_id="bob.near")]
    theirs = [p.CreateAccountAction(), p.DeployContractAction(b"\0asm\1\0\0\0"),
              p.FunctionCallAction("go", b'{"a":1}', 30 * 10**12, 7),
              p.TransferAction(10**24), p.StakeAction(5, other),
              p.AddKeyAction(other, p.AccessKey(0, p.AccessKeyPermissionFieldless.FullAccess)),
              p.AddKeyAction(other, p.AccessKey(3, p.FunctionCallPermission("c.near",
                                                                            ["a", "b"], 5))),
              p.AddKeyAction(other, p.AccessKey(0, p.FunctionCallPermission("c.near", [],
                                                                            None))),
              p.DeleteKeyAction(other), p.DeleteAccountAction("bob.near")]
    rt = Runtime()
    rt.create_account("alice.near", public_key=pk)
    for mine, nearcore in zip(ours, theirs):
        tx = rt.prepare_transaction("alice.near", "bob.near", [mine], pk)
        expected = calc_trx_hash("alice.near", sk._signing_key, "bob.near", tx.nonce,
                                 [nearcore], tx.block_hash)
        assert base58.b58encode(tx.hash).decode() == expected, type(mine).__name__


def test_runtime_checks_the_signature_then_the_key_as_neard_does():
    sk, pk = _key()
    rt = Runtime()
    rt.create_account("alice.near", public_key=pk)
    rt.create_account("bob.near")
    before = rt.balance("bob.near")
    tx = rt.prepare_transaction("alice.near", "bob.near", [Transfer(deposit=5)], pk)
    with pytest.raises(InvalidTransaction) as bad_sig:
        rt.submit_signed(tx, SigningKey.generate().sign(tx.hash).signature)
    assert bad_sig.value.kind == "InvalidSignature"
    stranger, stranger_pk = _key()  # a valid signature by a key alice does not have
    tx2 = rt.prepare_transaction("alice.near", "bob.near", [Transfer(deposit=5)], stranger_pk)
    with pytest.raises(InvalidTransaction) as no_key:
        rt.submit_signed(tx2, stranger.sign(tx2.hash).signature)
    assert no_key.value.kind == "InvalidAccessKeyError"
    assert no_key.value.message.startswith('AccessKeyNotFound: Signer "alice.near" doesn\'t')
    assert rt.balance("bob.near") == before
    out = rt.execute_signed(tx, sk.sign(tx.hash).signature)
    assert out.status == "success" and rt.balance("bob.near") == before + 5
    assert rt.access_keys("alice.near")[pk].nonce == tx.nonce


@pytest.fixture(scope="module")
def case():
    from near_pytest.testing import NearTestCase

    class Case(NearTestCase):
        pass

    Case.setup_class()
    wasm = Case.compile_contract(CONTRACTS / "counter.py")
    owner = Case.create_account("owner")
    Case.counter = Case.deploy_contract(owner, wasm, init_args={"owner": "owner.test.near"})
    yield Case
    Case.teardown_class()


def test_an_account_whose_key_the_suite_never_had_is_refused_with_neards_error(case):
    from near_pytest.models import Account
    from py_near.exceptions.provider import InvalidAccessKeyError

    rt = case._sandbox.runtime
    rt.create_account("stranger.test.near")  # a key nobody in the suite holds
    counter = case.counter.account_id
    before = rt.storage(counter)
    stranger = Account(case._client, "stranger.test.near")
    with pytest.raises(InvalidAccessKeyError) as info:
        stranger.call_contract(counter, "increment")
    error = info.value.error_json["data"]["TxExecutionError"]["InvalidTxError"]
    (detail,) = error["InvalidAccessKeyError"].values()
    assert list(error["InvalidAccessKeyError"]) == ["AccessKeyNotFound"]
    assert detail["account_id"] == "stranger.test.near"
    assert detail["public_key"] == case._client._accounts["stranger.test.near"].public_key
    assert rt.storage(counter) == before  # nothing ran
    # the suite's own accounts sign with their keys and work
    alice = case.create_account("alice")
    alice.call_contract(counter, "increment")
    assert rt.storage(counter) != before


def test_a_bad_signature_is_py_nears_invalid_signature():
    from py_near.exceptions.provider import InvalidSignature

    from near_safe.compat import _results

    exc = _results.invalid_tx_error("InvalidSignature",
                                    "Transaction is not signed with the given public key", {})
    assert isinstance(exc, InvalidSignature)
    assert exc.error_json["data"] == {"TxExecutionError": {"InvalidTxError": "InvalidSignature"}}
