"""A Runtime made with the wall-clock genesis (Config.genesis_time_ns None) is a sandbox
producing blocks in real time (issue 16 section 3, docs/protocol.md 1.5): a block that carries
transactions or receipts is at the wall clock, so a test that takes a deadline from
``time.time()`` and sleeps past it sees the chain pass it - and the chain does not run ahead of
the wall clock by a block time per transaction.  Blocks produced on request (produce_blocks,
fast_forward) still move one block time each; a pinned genesis (the explorer) keeps every
timestamp a function of the height."""

import dataclasses
import time

from rtwat import Wat, store_i64, u64_at

from near_safe.testing import NEAR, TGAS, Runtime
from near_safe.testing.params import DEFAULT_CONFIG

BLOCK = DEFAULT_CONFIG.block_time_ns
SECOND = 10**9


def _auction(rt, deadline_ns: int):
    """``bid`` panics "auction over" once the block time reaches storage["end"] and records
    the block time it ran at under "last"."""
    w = Wat()
    w.method("bid", f"""
    (drop (call $storage_read {w.s('end')} (i64.const 0)))
    (call $read_register (i64.const 0) (i64.const 16))
    (if (i64.ge_u (call $block_timestamp) (i64.load (i32.const 16)))
      (then (call $panic_utf8 {w.s('auction over')})))
    {store_i64(w, 'last', '(call $block_timestamp)')}""")
    auction = rt.deploy("auction.near", w.build(), balance=10 * NEAR)
    rt.patch_state(auction, data={"end": deadline_ns.to_bytes(8, "little")})
    return auction


def _bid(rt, alice, auction):
    out = alice.call(auction, "bid", gas=30 * TGAS)
    return out.status, u64_at(rt.storage(auction), "last")


def test_a_deadline_taken_from_time_time_is_passed_by_sleeping():
    rt = Runtime()
    alice = rt.create_account("alice.near")
    deadline = time.time_ns() + SECOND
    auction = _auction(rt, deadline)
    status, at = _bid(rt, alice, auction)
    assert status == "success" and at < deadline
    time.sleep(1.2)
    out = alice.call(auction, "bid", gas=30 * TGAS)
    assert out.status == "failure" and "auction over" in str(out.receipts[0].failure)
    assert rt.block_timestamp() >= deadline


def test_blocks_carrying_transactions_do_not_run_ahead_of_the_wall_clock():
    rt = Runtime()
    alice = rt.create_account("alice.near")
    auction = _auction(rt, 2**63)
    start = time.time_ns()
    for _ in range(15):
        assert alice.call(auction, "bid", gas=30 * TGAS).status == "success"
    assert rt.height >= 15
    # a block time per block would put the chain 15 s ahead; it follows the wall clock
    assert start <= u64_at(rt.storage(auction), "last") <= time.time_ns() + SECOND // 10
    times = [rt.block_timestamp(h) for h in range(rt.height + 1)]
    assert times == sorted(set(times))  # strictly increasing


def test_produced_blocks_still_move_a_block_time_each():
    rt = Runtime()
    t = rt.block_timestamp()
    rt.fast_forward(5)
    assert rt.block_timestamp() == t + 5 * BLOCK  # ahead of the wall clock, as fast_forward
    rt.produce_blocks(2)
    assert rt.block_timestamp() == t + 7 * BLOCK


def test_a_pinned_genesis_keeps_time_a_function_of_the_height():
    cfg = dataclasses.replace(DEFAULT_CONFIG, genesis_time_ns=1_700_000_000 * SECOND)
    runs = []
    for pause in (0, 0.3):
        rt = Runtime(config=cfg)
        alice = rt.create_account("alice.near")
        auction = _auction(rt, 2**63)
        _bid(rt, alice, auction)
        time.sleep(pause)
        _, at = _bid(rt, alice, auction)
        runs.append((rt.height, at, [rt.block_timestamp(h) for h in range(rt.height + 1)]))
    assert runs[0] == runs[1]
    height, at, times = runs[0]
    assert times == [cfg.genesis_time_ns + h * BLOCK for h in range(height + 1)]


def test_advance_still_moves_a_wall_clock_runtime_past_a_deadline_without_sleeping():
    rt = Runtime()
    alice = rt.create_account("alice.near")
    deadline = time.time_ns() + 30 * SECOND
    auction = _auction(rt, deadline)
    assert _bid(rt, alice, auction)[0] == "success"
    rt.advance(seconds=31)
    assert alice.call(auction, "bid", gas=30 * TGAS).status == "failure"
    # and the next transaction block is not earlier than the advanced one
    before = rt.block_timestamp()
    alice.call(auction, "bid", gas=30 * TGAS)
    assert rt.block_timestamp() > before


def test_a_snapshot_restored_later_continues_at_the_wall_clock():
    rt = Runtime()
    alice = rt.create_account("alice.near")
    deadline = time.time_ns() + SECOND
    auction = _auction(rt, deadline)
    snap = rt.snapshot()
    time.sleep(1.1)
    rt.restore(snap)  # the pytest plugin's isolation: the chain goes back, the clock does not
    assert alice.call(auction, "bid", gas=30 * TGAS).status == "failure"
