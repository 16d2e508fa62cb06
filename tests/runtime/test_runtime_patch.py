"""``patch_state`` writes data as nearcore's ``Runtime::apply_state_patch`` does (runtime/src/
lib.rs: a Data record is ``state_update.set(ContractData, value)``, the account untouched), so
a bulk patch does not raise the account's storage usage (issue 16: near-sdk-py's 10,000-element
benchmarks patch their collections, then call the contract)."""

from rtwat import Wat

from near_safe.testing import NEAR, TGAS
from near_safe.testing.params import STORAGE_AMOUNT_PER_BYTE, STORAGE_NUM_EXTRA_BYTES_RECORD


def _writer(rt):
    w = Wat()
    w.method("put", f"(drop (call $storage_write {w.s('new')} {w.s('value')} (i64.const 0)))")
    return rt.deploy("bench.near", w.build(), balance=5 * NEAR)


def test_a_bulk_data_patch_leaves_storage_usage_alone(rt, alice):
    bench = _writer(rt)
    before = rt.account(bench).storage_usage
    records = {f"v\x00{i:08d}".encode(): b"x" * 100 for i in range(10_000)}
    view = rt.patch_state(bench, data=records)
    assert view.storage_usage == before
    assert len(rt.storage(bench)) == 10_000
    # what the records would need if they were counted: far above the 5 NEAR balance
    counted = sum(len(k) + len(v) + STORAGE_NUM_EXTRA_BYTES_RECORD for k, v in records.items())
    assert (before + counted) * STORAGE_AMOUNT_PER_BYTE > rt.balance(bench)
    out = alice.call(bench, "put", gas=30 * TGAS)
    assert out.status == "success", out.receipts[0].failure  # was LackBalanceForState
    assert rt.account(bench).storage_usage == before + len(b"new") + len(b"value") + \
        STORAGE_NUM_EXTRA_BYTES_RECORD


def test_patched_data_is_overwritten_and_deleted_without_usage_change(rt):
    bench = _writer(rt)
    before = rt.account(bench).storage_usage
    rt.patch_state(bench, data={"k": b"1" * 500})
    rt.patch_state(bench, data={"k": b"2"})
    assert rt.storage(bench)[b"k"] == b"2" and rt.account(bench).storage_usage == before
    rt.patch_state(bench, data={"k": None})
    assert b"k" not in rt.storage(bench) and rt.account(bench).storage_usage == before


def test_storage_usage_is_set_as_an_account_record_sets_it(rt):
    bench = _writer(rt)
    view = rt.patch_state(bench, amount=2 * NEAR, storage_usage=1_234)
    assert (view.amount, view.storage_usage) == (2 * NEAR, 1_234)
