"""What the validator/epoch model (testing/_validators.py, docs/protocol.md 10) costs a runtime
that produces many blocks: ``fast_forward(20,000)`` with 200 accounts, epochs of 500 blocks (40
epoch ends: selection, rewards, release over every account) against an epoch length beyond the
run (no epoch end), alternating in one process, best of five each.

    python bench/bench_epochs.py
"""

from __future__ import annotations

import time

from near_safe.testing import Runtime, params

BLOCKS, ACCOUNTS = 20_000, 200


def run(epoch_length: int) -> float:
    rt = Runtime(config=params.Config(genesis_time_ns=10**18, epoch_length=epoch_length))
    for i in range(ACCOUNTS):
        rt.create_account(f"a{i}.near")
    start = time.perf_counter()
    rt.fast_forward(BLOCKS)
    return time.perf_counter() - start


def main() -> None:
    times = {500: [], 10**9: []}
    for _ in range(5):
        for length in times:
            times[length].append(run(length))
    with_epochs, without = min(times[500]), min(times[10**9])
    print(f"fast_forward({BLOCKS:,}) with {ACCOUNTS} accounts: epochs of 500 blocks "
          f"{with_epochs * 1000:.1f} ms, no epoch end {without * 1000:.1f} ms, "
          f"ratio {with_epochs / without:.3f}")


if __name__ == "__main__":
    main()
