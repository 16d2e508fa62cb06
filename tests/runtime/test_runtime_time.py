"""Block time (issue 16): timestamps start at the wall clock, move one ``block_time_ns`` per
block, and a test moves them with ``rt.advance(seconds=...)`` / ``rt.fast_forward(blocks)`` -
a deadline taken from ``time.time()`` is passed without sleeping, as a sandbox test passes it by
sleeping.  Snapshots keep time exact."""

import dataclasses
import time

import pytest
from rtwat import Wat, store_i64, u64_at

from near_safe.errors import RuntimeSimError
from near_safe.testing import NEAR, TGAS, Runtime
from near_safe.testing.params import DEFAULT_CONFIG

BLOCK = DEFAULT_CONFIG.block_time_ns


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


def test_time_starts_at_the_wall_clock_and_moves_a_block_time_per_block():
    before = time.time_ns()
    rt = Runtime()
    after = time.time_ns()
    t0 = rt.block_timestamp(0)
    assert before <= t0 <= after
    assert BLOCK == 10**9  # one block a second, as the sandbox
    rt.produce_blocks(3)
    assert rt.height == 3 and rt.block_timestamp() == t0 + 3 * BLOCK
    assert [rt.block_timestamp(h) for h in range(4)] == [t0 + h * BLOCK for h in range(4)]


def test_a_contract_reads_its_blocks_time(rt, alice):
    auction = _auction(rt, 2**63)
    out = alice.call(auction, "bid", gas=30 * TGAS)
    assert out.status == "success"
    assert u64_at(rt.storage(auction), "last") == rt.block_timestamp(out.receipts[0].block_height)


def test_a_deadline_from_time_time_is_passed_by_advance_without_sleeping():
    # the chain lags the wall clock by an hour (a long set-up, a slow build): advance still
    # lands past a deadline taken from time.time(), as sleeping does on the sandbox
    late = dataclasses.replace(DEFAULT_CONFIG, genesis_time_ns=time.time_ns() - 3600 * 10**9)
    for config in (DEFAULT_CONFIG, late):
        rt = Runtime(config=config)
        alice = rt.create_account("alice.near")
        start = time.monotonic()
        deadline = int((time.time() + 5) * 10**9)
        auction = _auction(rt, deadline)
        assert alice.call(auction, "bid", gas=30 * TGAS).status == "success"
        rt.advance(seconds=6)
        out = alice.call(auction, "bid", gas=30 * TGAS)
        assert out.status == "failure" and "auction over" in str(out.receipts[0].failure)
        assert rt.block_timestamp() >= deadline
        assert time.monotonic() - start < 5  # no sleep


def test_advance_keeps_past_blocks_and_moves_later_ones():
    rt = Runtime(config=dataclasses.replace(DEFAULT_CONFIG, genesis_time_ns=10**18))
    rt.produce_blocks(2)
    past = [rt.block_timestamp(h) for h in range(3)]
    nxt = rt.advance(seconds=0)  # catches up with the wall clock
    assert nxt >= time.time_ns() - 10**9 and nxt > past[-1]
    nxt = rt.advance(seconds=30)  # a second advance before the block adds to the first
    assert nxt >= past[-1] + 30 * 10**9
    rt.produce_blocks(2)
    assert [rt.block_timestamp(h) for h in range(3)] == past
    assert rt.block_timestamp(3) == nxt and rt.block_timestamp(4) == nxt + BLOCK


def test_fast_forward_moves_height_and_time_by_the_block_time():
    cfg = dataclasses.replace(DEFAULT_CONFIG, block_time_ns=600_000_000, genesis_time_ns=7)
    rt = Runtime(config=cfg)
    rt.fast_forward(10)
    assert rt.height == 10 and rt.block_timestamp() == 7 + 10 * 600_000_000
    rt.fast_forward(0)
    assert rt.height == 10


def test_snapshots_keep_time_exact():
    rt = Runtime()
    rt.produce_blocks(1)
    snap = rt.snapshot()
    times = [rt.block_timestamp(h) for h in range(5)]
    rt.advance(seconds=1000)
    rt.produce_blocks(3)
    assert rt.block_timestamp(4) > times[4]
    rt.restore(snap)
    assert [rt.block_timestamp(h) for h in range(5)] == times
    rt.produce_blocks(3)
    assert rt.block_timestamp() == times[4]


def test_a_fixed_genesis_time_makes_runs_agree():
    cfg = dataclasses.replace(DEFAULT_CONFIG, genesis_time_ns=1_700_000_000 * 10**9)
    a, b = Runtime(config=cfg), Runtime(config=cfg)
    a.produce_blocks(5)
    b.fast_forward(5)
    assert a.block_timestamp() == b.block_timestamp() == 1_700_000_005 * 10**9


def test_time_only_moves_forward():
    rt = Runtime()
    with pytest.raises(RuntimeSimError, match="seconds >= 0"):
        rt.advance(seconds=-1)
    with pytest.raises(RuntimeSimError, match="blocks >= 0"):
        rt.fast_forward(-2)
