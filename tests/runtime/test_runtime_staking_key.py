"""Staking keys (issue 16): nearcore refuses a Stake action whose key is not an ED25519 point of
the prime-order subgroup (near_crypto key_conversion.rs ``is_valid_staking_key``; a SECP256K1
key never) with ActionsValidationError::UnsuitableStakingKey (verifier.rs
``validate_stake_action``): a transaction carrying one is invalid, and a receipt a contract made
with ``promise_batch_action_stake`` fails its creator with NewReceiptValidationError
(docs/protocol.md 4.9)."""

import hashlib

import pytest
from rtwat import Wat

from near_safe.testing import NEAR, TGAS, InvalidTransaction, Stake
from near_safe.testing._ed25519 import (L, _add, _compress, _decompress, _mul,
                                        _public_key_of_seed, is_valid_staking_key)

nacl_signing = pytest.importorskip("nacl.signing")


def _real_key(seed: bytes) -> bytes:
    return b"\x00" + bytes(nacl_signing.SigningKey(hashlib.sha256(seed).digest()).verify_key)


def _off_curve() -> bytes:
    """32 bytes that decompress to no point (about half of all y values)."""
    i = 0
    while _decompress(hashlib.sha256(b"off %d" % i).digest()) is not None:
        i += 1
    return b"\x00" + hashlib.sha256(b"off %d" % i).digest()


def _torsioned() -> bytes:
    """A curve point outside the prime-order subgroup (7 in 8 points are)."""
    i = 0
    while True:
        point = _decompress(hashlib.sha256(b"tors %d" % i).digest())
        if point is not None and _compress(_mul(L, point)) != _compress((0, 1, 1, 0)):
            return b"\x00" + _compress(point)
        i += 1


SECP256K1 = b"\x01" + bytes(range(64))


def test_the_rule_is_nearcores():
    for i in range(20):  # every real ED25519 public key is valid
        assert is_valid_staking_key(_real_key(b"k%d" % i))
    assert not is_valid_staking_key(SECP256K1)
    assert not is_valid_staking_key(_off_curve())
    bad = _torsioned()
    assert _decompress(bad[1:]) is not None and not is_valid_staking_key(bad)
    # clearing the cofactor (x8) puts the same point in the subgroup
    p = _decompress(bad[1:])
    eight = _add(_add(_add(p, p), _add(p, p)), _add(_add(p, p), _add(p, p)))
    assert is_valid_staking_key(b"\x00" + _compress(eight))


def test_the_pure_python_key_derivation_is_ed25519s():
    for i in range(10):
        seed = hashlib.sha256(b"seed %d" % i).digest()
        assert _public_key_of_seed(seed) == bytes(nacl_signing.SigningKey(seed).verify_key)


@pytest.mark.parametrize("key", ["off_curve", "torsioned", "secp256k1"])
def test_a_transaction_staking_with_an_unsuitable_key_is_invalid(rt, key):
    v = rt.create_account("validator.near", balance=50 * NEAR)
    pk = {"off_curve": _off_curve, "torsioned": _torsioned, "secp256k1": lambda: SECP256K1}[key]()
    before = v.balance
    with pytest.raises(InvalidTransaction, match="UnsuitableStakingKey") as info:
        v.execute(v, [Stake(30 * NEAR, pk)])
    assert "The staking key must be ristretto compatible ED25519 key" in str(info.value)
    assert v.balance == before and rt.account(v).locked == 0  # nothing charged, nothing staked


def test_an_accounts_own_key_stakes(rt):
    # 1,000 NEAR: above the sandbox genesis's minimum stake (docs/protocol.md 10)
    v = rt.create_account("validator.near", balance=2_000 * NEAR)
    assert is_valid_staking_key(v.public_key)  # the runtime's keys are real ED25519 keys
    assert v.execute(v, [Stake(1_000 * NEAR, v.public_key)]).status == "success"
    assert rt.account(v).locked == 1_000 * NEAR


def _staker():
    """``stake(key)``: a Stake of 1,000 NEAR on this contract with the key given as input."""
    w = Wat()
    w.method("stake", f"""
    (drop (call $storage_write {w.s('k')} {w.s('v')} (i64.const 0)))
    (call $input (i64.const 0))
    (call $read_register (i64.const 0) (i64.const 64))
    (call $current_account_id (i64.const 1))
    (call $read_register (i64.const 1) (i64.const 200))
    (call $promise_batch_action_stake
      (call $promise_batch_create (call $register_len (i64.const 1)) (i64.const 200))
      {w.u128(1_000 * NEAR)} (call $register_len (i64.const 0)) (i64.const 64))""")
    return w.build()


def test_a_contract_staking_with_an_unsuitable_key_fails_its_receipt(rt, alice):
    pool = rt.deploy("pool.near", _staker(), balance=2_000 * NEAR)
    for bad in (_off_curve(), _torsioned(), SECP256K1):
        out = alice.call(pool, "stake", bad, gas=50 * TGAS)
        failed = out.receipts[0]
        assert failed.failure.kind == "NewReceiptValidationError"
        assert failed.failure.detail == "UnsuitableStakingKey"
        assert rt.storage(pool) == {}  # the receipt's writes are rolled back
        assert all("Stake" not in r.actions for r in out.receipts)  # nothing was emitted
    good = _real_key(b"pool")
    out = alice.call(pool, "stake", good, gas=50 * TGAS)
    assert out.error is None and any("Stake" in r.actions for r in out.receipts)
    assert rt.account(pool).locked == 1_000 * NEAR
