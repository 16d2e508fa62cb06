"""What one safe_call round trip costs at each supported protocol version, side by side.

Runs examples/cross_contract_query (dashboard.refresh -> oracle.get_price -> dashboard.on_price,
compiled Wasm) on ``Runtime(protocol=N)`` for every supported N and prints, per version: the gas
each receipt burnt, the callback's burnt gas against near_safe's static ``CALLBACK_GAS``
reservation, what the caller paid up front and in the end, and the contract reward.  The ratio
columns compare each version with the default (mainnet's).  A contract cannot read the protocol
version (docs/protocol.md section 8): this shows the reservations fit the dearest version.

    python bench/bench_protocol_versions.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cross_contract_query"


def round_trip(version: int) -> dict:
    from near_safe import CALLBACK_GAS
    from near_safe.errors import RuntimeSimError
    from near_safe.testing import NEAR, TGAS, Runtime

    try:
        return _round_trip(version, CALLBACK_GAS, NEAR, TGAS, Runtime)
    except RuntimeSimError as e:  # 73: near_safe's port imports promise_set_refund_to (82+)
        return {"version": version, "error": str(e).split(": ", 1)[-1]}


def _round_trip(version, CALLBACK_GAS, NEAR, TGAS, Runtime) -> dict:  # noqa: N803
    rt = Runtime(protocol=version)
    oracle = rt.deploy("oracle.near", str(EXAMPLE / "oracle.py"), balance=10 * NEAR)
    rt.call(oracle, oracle, "set_price", {"asset": "wNEAR", "price": "1000"}, gas=30 * TGAS)
    dash = rt.deploy("dash.near", str(EXAMPLE / "dashboard.py"), balance=10 * NEAR,
                     init="new", args={"oracle": "oracle.near"}, gas=30 * TGAS)
    user = rt.create_account("user.near", balance=100 * NEAR)
    before = user.balance
    tx = rt.submit(user, dash, "refresh", {"asset": "wNEAR"}, gas=100 * TGAS)
    rt.produce_blocks(1)  # converted: the up-front debit
    upfront = before - user.balance
    out = tx.wait()
    assert out.status == "success", out
    work = [r for r in out.receipts if not r.is_refund]
    callback = next(r for r in work if r.method == "on_price")
    return {"version": version, "gas": [r.gas_burnt for r in work],
            "callback": callback.gas_burnt, "reserved": CALLBACK_GAS, "upfront": upfront,
            "cost": before - user.balance, "reward": sum(r.contract_reward for r in work),
            "refunds": sum(1 for r in out.receipts if r.is_refund)}


def main() -> int:
    from near_safe.testing import TGAS, params

    results = [round_trip(v) for v in params.SUPPORTED_PROTOCOLS]
    for r in results:
        if "error" in r:
            print(f"protocol {r['version']}: the contracts do not run: {r['error']}")
    rows = [r for r in results if "error" not in r]
    base = next(r for r in rows if r["version"] == params.DEFAULT_PROTOCOL)
    print("safe_call round trip (refresh -> get_price -> on_price), 100 Tgas attached")
    print(f"{'ver':>4} {'receipts, Tgas burnt':>26} {'callback':>9} {'of 10 Tgas':>10} "
          f"{'up front NEAR':>14} {'x default':>9} {'cost NEAR':>10} {'x default':>9} "
          f"{'reward NEAR':>11} {'refunds':>7}")
    for r in rows:
        gas = " ".join(f"{g / TGAS:.2f}" for g in r["gas"])
        print(f"{r['version']:>4} {gas:>26} {r['callback'] / TGAS:>8.2f}T "
              f"{r['callback'] / r['reserved']:>10.0%} {r['upfront'] / 1e24:>14.6f} "
              f"{r['upfront'] / base['upfront']:>9.2f} {r['cost'] / 1e24:>10.6f} "
              f"{r['cost'] / base['cost']:>9.3f} {r['reward'] / 1e24:>11.6f} {r['refunds']:>7}")
    worst = max(rows, key=lambda r: r["callback"])
    print(f"dearest callback: protocol {worst['version']}, {worst['callback'] / TGAS:.2f} Tgas "
          f"of the {worst['reserved'] / TGAS:.0f} Tgas reserved")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
