"""Protocol limits checked before anything runs (issue 16): the transaction size limit
(verifier.rs ``TransactionSizeExceeded``), the registrar-only short top-level accounts."""

import pytest
from nacl.signing import SigningKey

from near_safe.testing import NEAR, DeployContract, InvalidTransaction, Runtime
from near_safe.testing.params import DEFAULT_CONFIG

LIMIT = DEFAULT_CONFIG.limits["max_transaction_size"]


def _signed_deploy_size(signer: str, receiver: str, code_len: int) -> int:
    """borsh(SignedTransaction) of a one-DeployContract transaction, from the layout: signer
    (u32 + bytes), ed25519 public key (1 + 32), nonce u64, receiver (u32 + bytes), block hash
    32, actions (u32 count; variant 1, u32 + code), ed25519 signature (1 + 64)."""
    return (4 + len(signer)) + 33 + 8 + (4 + len(receiver)) + 32 + 4 + (1 + 4 + code_len) + 65


def _key():
    sk = SigningKey.generate()
    return sk, b"\x00" + bytes(sk.verify_key)


def test_the_limit_is_nearcores_1_5_mib():
    assert LIMIT == 1_572_864 == 3 * 2**19  # 69.yaml: 4_194_304 -> 1_572_864


@pytest.mark.parametrize("over", [0, 1])
def test_a_transaction_over_the_size_limit_is_refused_unsigned(over):
    rt = Runtime()
    rt.create_account("alice.near", balance=1000 * NEAR)
    code_len = LIMIT - _signed_deploy_size("alice.near", "alice.near", 0) + over
    before = rt.balance("alice.near")
    deploy = [DeployContract(code=b"\0" * code_len)]
    if not over:
        rt.submit_transaction("alice.near", "alice.near", deploy)  # exactly the limit: queued
        return
    with pytest.raises(InvalidTransaction) as e:
        rt.submit_transaction("alice.near", "alice.near", deploy)
    assert e.value.kind == "TransactionSizeExceeded"
    assert e.value.message == (f"Size of serialized transaction {LIMIT + 1} exceeded the "
                               f"limit {LIMIT}")
    assert rt.balance("alice.near") == before


def test_a_1_67_mb_deploy_is_refused():
    rt = Runtime()
    rt.create_account("alice.near", balance=1000 * NEAR)
    with pytest.raises(InvalidTransaction, match="TransactionSizeExceeded"):
        rt.execute("alice.near", "alice.near", [DeployContract(code=b"\0" * 1_670_000)])


def test_a_signed_transaction_over_the_size_limit_is_refused():
    sk, pk = _key()
    rt = Runtime()
    rt.create_account("alice.near", balance=1000 * NEAR, public_key=pk)
    base = _signed_deploy_size("alice.near", "alice.near", 0)
    for code_len, ok in ((LIMIT - base, True), (LIMIT - base + 1, False)):
        tx = rt.prepare_transaction("alice.near", "alice.near",
                                    [DeployContract(code=b"\0" * code_len)], pk)
        assert len(tx.borsh()) + 65 == code_len + base
        signature = sk.sign(tx.hash).signature
        if ok:
            rt.submit_signed(tx, signature)
            continue
        with pytest.raises(InvalidTransaction) as e:
            rt.submit_signed(tx, signature)
        assert e.value.kind == "TransactionSizeExceeded" and str(LIMIT + 1) in e.value.message


def test_the_limit_is_the_configs():
    import dataclasses

    limits = {**DEFAULT_CONFIG.limits, "max_transaction_size": 1000}
    rt = Runtime(config=dataclasses.replace(DEFAULT_CONFIG, limits=limits))
    rt.create_account("alice.near", balance=1000 * NEAR)
    code_len = 1000 - _signed_deploy_size("alice.near", "alice.near", 0)
    rt.submit_transaction("alice.near", "alice.near", [DeployContract(code=b"\0" * code_len)])
    with pytest.raises(InvalidTransaction, match="exceeded the limit 1000"):
        rt.submit_transaction("alice.near", "alice.near",
                              [DeployContract(code=b"\0" * (code_len + 1))])


# --- top-level account ids: actions.rs action_create_account --------------------------------

MIN_TOP = DEFAULT_CONFIG.min_allowed_top_level_account_length


def _create(rt, creator: str, new_id: str):
    from near_safe.testing import CreateAccount, Transfer

    return rt.execute(creator, new_id, [CreateAccount(), Transfer(deposit=NEAR)])


def test_the_minimum_is_the_config_nearcore_runs():
    # snapshot 84 account_creation_config (parameters.yaml's base 32 is older): longer than
    # the longest account id (64), so only the registrar creates named top-level accounts
    assert MIN_TOP == 65


def _chain(cfg):
    rt = Runtime(config=cfg)
    rt.create_account("alice.near", balance=100 * NEAR)
    rt.create_account("registrar", balance=100 * NEAR)
    return rt


def _refused(rt, new_id):
    failure = _create(rt, "alice.near", new_id).receipts[0].failure
    assert failure.kind == "CreateAccountOnlyByRegistrar"
    assert failure.message == (f"A top-level account ID {new_id} can't be created by "
                               "alice.near, short top-level account IDs can only be created "
                               "by registrar")
    assert not rt.exists(new_id)


def test_at_the_default_even_a_64_character_id_is_the_registrars():
    rt = _chain(DEFAULT_CONFIG)
    longest = "z" * 64  # the longest valid id; not hex, so not an implicit id
    assert MIN_TOP > len(longest)
    _refused(rt, longest)
    assert _create(rt, "registrar", longest).status == "success"


def test_both_sides_of_a_configured_minimum():
    import dataclasses

    rt = _chain(dataclasses.replace(DEFAULT_CONFIG, min_allowed_top_level_account_length=32))
    _refused(rt, "z" * 31)
    assert _create(rt, "alice.near", "y" * 32).status == "success"
    assert _create(rt, "registrar", "z" * 31).status == "success"
