"""How the node persists (--state): a log of committed transactions replayed on start, or a
snapshot of the state per commit?  Measured side by side in one run; prints the figures.

    python tests/node/measure_store.py [N]

(a) log: one row per transaction (its borsh bytes), one sqlite transaction, synchronous=FULL;
(b) snapshot: the state a snapshot must write per commit (every account's record, keys,
    contract data and code - here one deployed contract, the staking pool example);
(c) the log's price: replaying N transactions on start.
"""

import base64
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from near_safe.builder import build_contract  # noqa: E402
from near_safe.node._node import Node  # noqa: E402
from near_safe.node._store import Store  # noqa: E402
from near_safe.testing import NEAR, AccessKey, AddKey, CreateAccount, DeployContract, Transfer  # noqa: E402,E501

from noderpc import ROOT_KEY, ROOT_PK  # noqa: E402
from near_safe.testing._transactions import UnsignedTransaction  # noqa: E402

POOL = Path(__file__).resolve().parents[2] / "examples/deposit_and_stake/staking_pool.py"


def send(node, signer, receiver, actions):
    nonce = node.rt.access_keys(signer)[ROOT_PK].nonce + 1
    tx = UnsignedTransaction(signer, ROOT_PK, nonce, receiver, node.rt.block_hash(),
                             tuple(actions))
    b64 = base64.b64encode(tx.borsh() + b"\0" + ROOT_KEY.sign(tx.hash).signature).decode()
    out = node.handle({"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_commit",
                       "params": [b64]})
    assert "result" in out, out


def main(n: int) -> None:
    wasm = Path(build_contract(POOL)).read_bytes()
    with tempfile.TemporaryDirectory() as d:
        node = Node(store=Store(d))
        send(node, "sandbox", "pool.sandbox", [CreateAccount(), Transfer(deposit=50 * NEAR),
                                               AddKey(public_key=ROOT_PK,
                                                      access_key=AccessKey()),
                                               DeployContract(code=wasm)])
        t0 = time.perf_counter()
        for i in range(n):
            send(node, "sandbox", "test.near", [Transfer(deposit=i + 1)])
        commit = (time.perf_counter() - t0) / n
        log_db = Store(Path(d) / "log")
        t0 = time.perf_counter()
        for _ in range(n):
            log_db.append("tx", b"x" * 200)
        append = (time.perf_counter() - t0) / n
        # (b) what one snapshot writes: the whole state
        rt = node.rt
        state_bytes = sum(len(rt.code(a) or b"") + sum(len(k) + len(v) for k, v in
                                                        rt.storage(a).items()) + 100
                          for a in rt.accounts)
        blob = b"s" * state_bytes
        snap_db = Store(Path(d) / "snap")
        t0 = time.perf_counter()
        for _ in range(n):
            snap_db.append("snapshot", blob)
        snapshot = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        for _ in range(n):
            snap_db.append("snapshot", blob * 10)
        snapshot10 = (time.perf_counter() - t0) / n
        node.store.close()
        t0 = time.perf_counter()
        again = Node(store=Store(d))
        replay = (time.perf_counter() - t0) / again.replayed
    print(f"transactions: {n}; state: {state_bytes:,} bytes "
          f"(one {len(wasm):,}-byte contract)")
    print(f"commit of a transfer through the node (run + log row): {commit * 1e3:.2f} ms")
    print(f"(a) log row append, synchronous=FULL:  {append * 1e3:.3f} ms")
    print(f"(b) snapshot write per commit:        {snapshot * 1e3:.3f} ms "
          f"({snapshot / append:.1f}x the log row)")
    print(f"    the same, 10 such contracts:     {snapshot10 * 1e3:.3f} ms "
          f"({snapshot10 / append:.1f}x the log row)")
    print(f"(c) replay on start, per entry:       {replay * 1e3:.3f} ms "
          f"({replay / commit:.2f}x a live commit)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
