"""Shards (issue 16, docs/protocol.md 11): accounts live on shards by boundary accounts (nearcore
ShardLayout ``account_id_to_shard_id``), each shard has its own chunk - its own gas limit and
delayed queue, its receipts in nearcore's order (local, delayed, incoming) - and a shard whose
chunk is missing keeps its receipts waiting while the others go on.  NEP-616's point: a failed
receipt's deposit refund can reach the caller after the caller's callback has run; near_safe's
settlement stays correct then (the refund goes to the user by the protocol, never from the
contract's balance, exactly once)."""

from pathlib import Path

import pytest

from near_safe.errors import RuntimeSimError
from near_safe.testing import NEAR, TGAS, Runtime, params

SAFETY = Path(__file__).parent.parent / "safety" / "contracts"


def _runtime(mode="wasm", **overrides):
    return Runtime(mode=mode, config=params.Config(genesis_time_ns=10**18, **overrides))


def test_accounts_live_on_the_shard_their_id_falls_in():
    rt = _runtime(shard_boundaries=("b", "s.near"))
    # nearcore: the shard is the number of boundaries <= the id; a boundary opens its shard
    assert [rt.shard_of(a) for a in ("alice.near", "b", "bob.near", "s.near", "sam.near",
                                     "zed.near")] == [0, 1, 1, 2, 2, 2]
    assert rt.shard_of("r.near") == 1
    one = _runtime()
    assert {one.shard_of(a) for a in ("alice.near", "zed.near", "0x" + "ab" * 20)} == {0}


def _transfers(boundaries):
    """sam.near sends 1 NEAR to a0-a2 (shard 0) and b0-b2 (shard 1) in one block, under a chunk
    gas limit that fits one receipt: the height each transfer ran at."""
    cfg = params.Config(genesis_time_ns=10**18, shard_boundaries=boundaries)
    limits = dict(cfg.limits, chunk_gas_limit=1)  # the first receipt fills a chunk
    rt = Runtime(config=params.Config(genesis_time_ns=10**18, shard_boundaries=boundaries,
                                      limits=limits))
    sam = rt.create_account("sam.near", balance=100 * NEAR)
    names = ["a0.near", "a1.near", "a2.near", "b0.near", "b1.near", "b2.near"]
    for name in names:
        rt.create_account(name)
    handles = [rt.submit_transaction(sam, name, [_transfer()]) for name in names]
    rt.run()
    heights = {}
    for name, h in zip(names, handles):
        [ran] = [r for r in h.outcome().receipts if r.receiver == name]
        heights[name] = ran.block_height
    return heights, rt


def _transfer():
    from near_safe.testing import Transfer
    return Transfer(deposit=NEAR)


def test_each_shard_has_its_own_chunk_gas_limit_and_delayed_queue():
    heights, rt = _transfers(("b", "s"))  # a* on 0, b* on 1, sam on 2 (its gas refunds too)
    first = heights["a0.near"]
    assert [heights[n] - first for n in ("a0.near", "a1.near", "a2.near")] == [0, 1, 2]
    assert [heights[n] - first for n in ("b0.near", "b1.near", "b2.near")] == [0, 1, 2]
    one, _ = _transfers(())  # one shard, one chunk: the six take turns
    first = one["a0.near"]
    assert sorted(h - first for h in one.values()) == [0, 1, 2, 3, 4, 5]


def test_a_shard_runs_its_local_receipts_before_its_delayed_ones():
    """Shard 0's chunk fits one receipt: sam's transfer to a3 is delayed behind a1's, then
    a0's own transaction (a local receipt, converted in the next block) takes that block's chunk
    before the delayed transfer, which waits once more (nearcore: local, delayed, incoming)."""
    from near_safe.testing import Transfer
    cfg = params.Config(genesis_time_ns=10**18, shard_boundaries=("b", "s"))
    limits = dict(cfg.limits, chunk_gas_limit=1)
    rt = Runtime(config=params.Config(genesis_time_ns=10**18, shard_boundaries=("b", "s"),
                                      limits=limits))
    sam = rt.create_account("sam.near", balance=100 * NEAR)
    a0 = rt.create_account("a0.near", balance=10 * NEAR)
    for name in ("a1.near", "a3.near"):
        rt.create_account(name)
    to_a1 = rt.submit_transaction(sam, "a1.near", [Transfer(deposit=NEAR)])
    to_a3 = rt.submit_transaction(sam, "a3.near", [Transfer(deposit=NEAR)])
    rt.step()  # a1's transfer; a3's is delayed: shard 0's chunk is full
    own = rt.submit_transaction(a0, "a0.near", [Transfer(deposit=1)])
    rt.run()
    h = {name: [r for r in t.outcome().receipts if r.receiver == name][0].block_height
         for name, t in (("a1.near", to_a1), ("a3.near", to_a3), ("a0.near", own))}
    assert h["a1.near"] + 1 == h["a0.near"]  # the local receipt takes block 3's chunk
    assert h["a3.near"] == h["a0.near"] + 1  # delayed again behind it (chunk full)


def test_a_missing_chunk_keeps_its_shards_receipts_waiting():
    rt = _runtime(shard_boundaries=("b",))
    sam = rt.create_account("sam.near", balance=100 * NEAR)  # shard 1
    rt.create_account("a.near")  # shard 0
    rt.create_account("x.near")  # shard 1
    rt.skip_chunks(0, blocks=3)
    to_a = rt.submit_transaction(sam, "a.near", [_transfer()])
    to_x = rt.submit_transaction(sam, "x.near", [_transfer()])
    first = rt.step()  # block 1 converts both; block 2 runs the transfer to x (shard 1)
    assert (first.receiver, first.block_height) == ("x.near", 2)
    [waiting] = [p for p in rt.pending() if p.receiver == "a.near"]
    assert waiting.runs_at == 4  # the first block with a chunk on shard 0
    rt.run()
    [a] = [r for r in to_a.outcome().receipts if r.receiver == "a.near"]
    [x] = [r for r in to_x.outcome().receipts if r.receiver == "x.near"]
    assert x.block_height == 2 and a.block_height == 4  # shard 0 has no chunk in blocks 1-3
    with pytest.raises(RuntimeSimError, match="shard id from 0 to 1"):
        rt.skip_chunks(2)
    with pytest.raises(RuntimeSimError, match="blocks"):
        rt.skip_chunks(0, blocks=0)


@pytest.mark.parametrize("mode", ["wasm", "python"])
def test_nep616_a_refund_arriving_after_the_callback_leaves_settlement_correct(mode):
    """alice (shard 0) stakes 5 NEAR through the near_safe vault (shard 1) with a failing pool:
    the pool's failure sends the deposit back to alice (refund_to) and its result to the vault's
    callback.  Shard 0 has no chunk meanwhile, so on_staked runs first: the vault credits
    nothing, unlocks alice and leaves no record, its balance untouched; then the refund reaches
    alice, once."""
    rt = _runtime(mode, shard_boundaries=("b",))
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    staking = rt.deploy("staking.near", SAFETY / "staking.py", balance=10 * NEAR)
    vault = rt.deploy("vault.near", SAFETY / "vault.py", balance=10 * NEAR)
    alice.call(vault, "new", {"staking": "staking.near", "token": "token.near"}).unwrap()
    alice.call(staking, "set_fail", {"fail": True}).unwrap()
    assert (rt.shard_of(alice), rt.shard_of(vault), rt.shard_of(staking)) == (0, 1, 1)
    vault_before, alice_before = rt.balance(vault), rt.balance(alice)
    tx = alice.submit(vault, "deposit_and_stake", {}, deposit=5 * NEAR, gas=200 * TGAS)
    rt.step()  # block 1: converted on shard 0; the vault's call runs in block 2 ...
    rt.skip_chunks(0, blocks=10)  # ... and shard 0 is silent for a while
    ran = []
    while True:
        out = rt.step()
        assert out is not None
        ran.append(out)
        if out.method == "on_staked":
            break
    pool = next(o for o in ran if o.receiver == "staking.near")
    assert pool.status == "failure"
    refund = [r for r in rt.pending() if r.receiver == "alice.near" and r.is_refund]
    assert refund, "the deposit refund has not reached alice when the callback ran"
    # the callback settled: nothing credited, alice unlocked, no in-flight record left
    assert int(rt.view(vault, "staked_of", {"account_id": "alice.near"})) == 0
    assert not [k for k in rt.storage(vault) if k.startswith((b"_ns:op:", b"_ns:lock:"))]
    assert rt.balance(vault) == vault_before  # no NEAR paid out of the vault (no reward at 88)
    assert rt.balance(alice) < alice_before - 5 * NEAR  # alice has not got it back yet
    rt.run()
    tx_out = tx.outcome()
    deposits_back = [r for r in tx_out.receipts if r.receiver == "alice.near" and r.is_refund
                     and r.deposit >= 5 * NEAR]
    assert len(deposits_back) == 1 and deposits_back[0].block_height > out.block_height
    spent = alice_before - rt.balance(alice)  # gas only: the deposit came back, once
    assert 0 < spent < NEAR // 10
    assert rt.balance(vault) == vault_before
