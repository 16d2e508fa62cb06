"""Outcome ids: kept as raw 32-byte hashes, shown in base58 when read (the runtime no longer
encodes every id of every receipt eagerly).  The base58 names must still tie together: a
transaction's id, its receipts' ids, the receipts each one produced, and what ``pending()``
lists."""

import dataclasses
import hashlib

import pytest

from near_safe.testing import NEAR, Transfer
from near_safe.testing._state import base58

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _reference_base58(data: bytes) -> str:
    """Bitcoin-alphabet base58, written independently of the runtime's encoder."""
    digits = [0]
    for byte in data:
        carry = byte
        for i in range(len(digits)):
            carry += digits[i] << 8
            digits[i], carry = carry % 58, carry // 58
        while carry:
            digits.append(carry % 58)
            carry //= 58
    zeros = len(data) - len(data.lstrip(b"\0"))
    text = "".join(_B58[d] for d in reversed(digits)).lstrip("1")
    return "1" * zeros + text


def test_base58_matches_an_independent_encoder():
    for data in (bytes(32), b"\0\0\1", hashlib.sha256(b"x").digest(), b"\xff" * 32):
        assert base58(data) == _reference_base58(data)


def test_outcome_ids_are_base58_of_the_hashes_and_link_up(rt, alice, bob):
    out = alice.transfer("nobody.near", NEAR)  # fails: the deposit comes back in a refund
    assert out.status == "failure"
    # the deposit refund, and from protocol 85 a gas refund (the purchase-price surplus)
    first, *refunds = out.receipts
    assert len(refunds) == (2 if rt.config.min_gas_purchase_price > rt.config.gas_price else 1)
    assert all(r.is_refund for r in refunds) and not first.is_refund
    assert out.tx_id == base58(out.tx_hash)
    assert {first.tx_id, out.tx_id} == {r.tx_id for r in refunds}
    assert first.receipt_id == base58(first.receipt_hash)
    assert first.produced == tuple(r.receipt_id for r in refunds)
    assert first.produced_hashes == tuple(r.receipt_hash for r in refunds)
    for refund in refunds:
        assert refund.produced == () and refund.return_receipt_id is None


def test_submitted_ids_match_pending_and_outcome(rt, alice, bob):
    tx = alice.submit_actions(bob, [Transfer(deposit=NEAR)])
    (pending,) = rt.pending()
    assert pending.tx_id == tx.id == pending.receipt_id
    rt.run()
    out = tx.outcome()
    assert out.tx_id == tx.id and out.receipts[0].tx_id == tx.id
    found = out.find(tx_id=tx.id)
    assert found == list(out.receipts) and found


def test_outcomes_stay_frozen_and_compare_by_value(rt, alice, bob):
    out = alice.transfer(bob, 1)
    for obj in (out, out.receipts[0]):
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.status = "changed"
    assert out.status == "success" and out.receipts[0].status == "success"
    again = rt.tx_outcome(out.tx_hash)
    assert again == out and again is not out and hash(again.receipts) == hash(out.receipts)
