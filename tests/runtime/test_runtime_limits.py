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
