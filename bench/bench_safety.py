"""Benchmark of the safety layer (issue 3), measured side by side in one run:

1. gas per flow: the same safe flows (deposit-and-stake, token withdraw; success and failure)
   written with near_safe (tests/safety/contracts/bench_safe.py) and by hand in plain
   near-sdk-py (bench_hand.py), on the embedded runtime in Wasm mode.  Goal: ratio <= 1.05.
   For scale, a third version against the bare `near` module (bench_raw.py: no SDK, no input
   validation beyond json.loads) shows what near_safe costs over the least code possible.
2. Wasm size of the two contracts.  Goal: near_safe at most 8 KB larger.
3. The gas each near_safe callback burns on its success and failure paths next to its
   reservation (CALLBACK_GAS), and the prepaid gas safe_call asks for next to the smallest
   prepaid gas that really completes the flow (found by bisection).

Run:  python bench/bench_safety.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from near_safe import CALLBACK_GAS
from near_safe.builder import build_contract
from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = ROOT / "tests" / "safety" / "contracts"
STAKE = 5 * NEAR
GAS = 300 * TGAS
GAS_GOAL, SIZE_GOAL = 1.05, 8 * 1024


def setup():
    rt = Runtime(mode="wasm")
    alice = rt.create_account("alice.near", balance=1000 * NEAR)
    staking = rt.deploy("staking.near", CONTRACTS / "staking.py", balance=10 * NEAR)
    token = rt.deploy("token.near", CONTRACTS / "token.py", balance=10 * NEAR)
    vaults = {}
    for name, source in (("near_safe", "bench_safe.py"), ("hand", "bench_hand.py"),
                         ("raw", "bench_raw.py")):
        account = f"{name.replace('_', '-')}.near"
        v = rt.deploy(account, CONTRACTS / source, balance=10 * NEAR)
        alice.call(v, "new", {"staking": "staking.near", "token": "token.near"}).unwrap()
        alice.call(token, "mint", {"account_id": account, "amount": "1000000"}).unwrap()
        v.call(v, "credit_tokens", {"account_id": "alice.near", "amount": "1000"}).unwrap()
        vaults[name] = v
    return rt, alice, staking, token, vaults


FLOWS = [
    # name, method, args, deposit, which contract to make fail, callback
    ("stake, success", "deposit_and_stake", {}, STAKE, None, "on_staked"),
    ("stake, staking fails (refund)", "deposit_and_stake", {}, STAKE, "staking", "on_staked"),
    ("withdraw tokens, success", "withdraw_tokens", {"amount": "300"}, 0, None,
     "on_tokens_sent"),
    ("withdraw tokens, token fails (rollback)", "withdraw_tokens", {"amount": "300"}, 0,
     "token", "on_tokens_sent"),
]


def run_flow(rt, alice, failing, vault, method, args, deposit, gas=GAS):
    if failing is not None:
        alice.call(failing, "set_fail", {"fail": True}).unwrap()
    return alice.call(vault, method, args, deposit=deposit, gas=gas)


def check(out, fail):
    """Both versions must really do the flow: success, and the callback reports it."""
    assert out.status == "success", out
    assert out.value is (fail is None), out


def min_working_gas(rt, snap, alice, failing, vault, method, args, deposit, hi):
    """Smallest prepaid gas (0.1 Tgas steps) with which the whole flow completes correctly."""
    lo = 1 * TGAS
    while hi - lo > TGAS // 10:
        mid = (lo + hi) // 2
        rt.restore(snap)
        out = run_flow(rt, alice, failing, vault, method, args, deposit, gas=mid)
        ok = out.status == "success" and out.error in (None,) or (
            failing is not None and out.status == "success" and out.value is False
            and all(r.succeeded for r in out.receipts if r.receiver == vault.id))
        if ok:
            hi = mid
        else:
            lo = mid
    return hi


def main():
    rt, alice, staking, token, vaults = setup()
    snap = rt.snapshot()
    failing_of = {None: None, "staking": staking, "token": token}
    rows, cb_rows, gas_rows = [], [], []
    worst = 0.0
    for flow, method, args, deposit, fail, cb in FLOWS:
        burnt = {}
        for name, vault in vaults.items():
            rt.restore(snap)
            out = run_flow(rt, alice, failing_of[fail], vault, method, args, deposit)
            check(out, fail)
            burnt[name] = out.gas_burnt
            if name == "near_safe":
                cb_rows.append((flow, out.receipt(cb).gas_burnt))
        ratio = burnt["near_safe"] / burnt["hand"]
        worst = max(worst, ratio)
        rows.append((flow, burnt["hand"], burnt["near_safe"], ratio, burnt["raw"]))

    # What safe_call asks for vs what the flow really needs: the same flow in vault.py with
    # own_gas=0, so that the check does not set the threshold, bisected to the least prepaid
    # gas that completes it (the static external and callback reservations stay).
    rt.restore(snap)
    tv = rt.deploy("vault.near", CONTRACTS / "vault.py", balance=10 * NEAR)
    alice.call(tv, "new", {"staking": "staking.near", "token": "token.near"}).unwrap()
    with_vault = rt.snapshot()
    for flow, fail in (("stake, success", None), ("stake, staking fails (refund)", "staking")):
        rt.restore(with_vault)
        out = run_flow(rt, alice, failing_of[fail], tv, "deposit_and_stake", {}, STAKE,
                       gas=20 * TGAS)
        asked = int(re.search(r"attach at least (\d+) Tgas", out.error).group(1)) * TGAS
        rt.restore(with_vault)
        check(run_flow(rt, alice, failing_of[fail], tv, "deposit_and_stake", {}, STAKE,
                       gas=asked), fail)
        need = min_working_gas(rt, with_vault, alice, failing_of[fail], tv,
                               "deposit_and_stake_own_gas", {"own_gas": 0}, STAKE, asked)
        gas_rows.append((flow, asked, need))

    # A single plain call: the decorators' per-call cost (private check + typed arguments).
    single = {}
    for name, vault in vaults.items():
        rt.restore(snap)
        out = vault.call(vault, "credit_tokens", {"account_id": "bob.near", "amount": "5"})
        assert out.status == "success", out
        single[name] = out.gas_burnt
    rows.append(("single call (private, 2 typed args)", single["hand"], single["near_safe"],
                 single["near_safe"] / single["hand"], single["raw"]))
    worst = max(worst, single["near_safe"] / single["hand"])

    # The heaviest callback path: staking fails and the callback body raises (its writes are
    # dropped, it is logged, the refund and unlock still commit) - tests/safety/contracts/vault.py.
    rt.restore(with_vault)
    alice.call(tv, "set_raise_in_callback", {"flag": True}, deposit=1).unwrap()
    out = run_flow(rt, alice, staking, tv, "deposit_and_stake", {}, STAKE)
    assert any("callback body raised" in line for line in out.logs), out
    cb_rows.append(("stake fails + callback body raises", out.receipt("on_staked").gas_burnt))

    size_safe = build_contract(CONTRACTS / "bench_safe.py").stat().st_size
    size_hand = build_contract(CONTRACTS / "bench_hand.py").stat().st_size
    size_raw = build_contract(CONTRACTS / "bench_raw.py").stat().st_size

    t = TGAS
    print("\nnear_safe safety layer vs the same safe flow hand-written in near-sdk-py "
          "(Wasm mode, gas burnt per flow, all receipts)")
    print(f"{'flow':42} {'hand-written':>14} {'near_safe':>12} {'ratio':>7}   "
          f"{'bare near module':>16} {'near_safe/bare':>14}")
    for flow, hand, safe, ratio, raw in rows:
        print(f"{flow:42} {hand / t:11.3f} Tg {safe / t:9.3f} Tg {ratio:7.3f}   "
              f"{raw / t:13.3f} Tg {safe / raw:14.3f}")
    print(f"{'worst ratio (goal <= %.2f)' % GAS_GOAL:42} {'':14} {'':12} {worst:7.3f}  "
          f"{'OK' if worst <= GAS_GOAL else 'MISSED'}")
    diff = size_safe - size_hand
    print(f"\nWasm size: hand-written {size_hand / 1024:.1f} KB, near_safe "
          f"{size_safe / 1024:.1f} KB, difference {diff / 1024:+.1f} KB "
          f"(goal <= +{SIZE_GOAL // 1024} KB: {'OK' if diff <= SIZE_GOAL else 'MISSED'}); "
          f"bare near module {size_raw / 1024:.1f} KB (near_safe adds "
          f"{(size_safe - size_raw) / 1024:+.1f} KB)")
    print(f"\nnear_safe callbacks: gas burnt vs reservation CALLBACK_GAS = "
          f"{CALLBACK_GAS / t:.1f} Tgas")
    for flow, used in cb_rows:
        print(f"  {flow:42} {used / t:6.3f} Tgas  ({used / CALLBACK_GAS:5.1%} of reservation)")
    print("\nprepaid gas safe_call asks for (used so far + OWN_GAS + external minimum + "
          "CALLBACK_GAS) vs the least that completes the flow (own_gas=0, same reservations)")
    for flow, asked, need in gas_rows:
        print(f"  {flow:42} asks {asked / t:5.1f} Tgas, needs {need / t:5.1f} Tgas "
              f"(margin {(asked - need) / t:4.1f} Tgas: {'covers' if asked >= need else 'TOO LOW'})")


if __name__ == "__main__":
    main()
