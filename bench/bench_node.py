"""near-safe node benchmark (issue 17): goals, not timed tests; every ratio from this one run.

(a) start: `near-safe node --port 0` launched as a process until its first answered `status`
    (goal: under 1 s; a neard sandbox takes seconds plus a download);
(b) latency: the median of a transaction sent through near-kit (`Near.call`, which waits for
    the outcome: broadcast_tx_commit's semantics through `send_tx`) - a simple call, and a call
    whose cross-contract call comes back to a callback - next to the same call made on the
    in-process Runtime (goal: within 3x);
(c) throughput: transactions per second sustained by concurrent near-kit clients (one account
    and key each, near-kit's default wait), with --state on (SQLite, synchronous=FULL) and,
    beside it, in memory.

near-kit runs in a virtualenv layered over this one (tests/node/kitvenv.py: near-kit's `near`
and near-sdk-py's `near` cannot share a site-packages).

Run: python bench/bench_node.py [--rounds N] [--clients K] [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "deposit_and_stake"
sys.path.insert(0, str(ROOT / "tests" / "node"))

CLIENT = r'''
import json, statistics, sys, threading, time
from near import KeyPairSigner, Near
from near.actions import add_full_access_key, create_account, deploy_contract, transfer
from near.keys import key_from_test_seed
from near.testing import sandbox_signer

url, pool_path, vault_path, rounds, clients, seconds = sys.argv[1:7]
rounds, clients, seconds = int(rounds), int(clients), float(seconds)
root = Near(rpc_url=url, signer=sandbox_signer(), retries=0)
key = key_from_test_seed("sandbox")
def as_(a):
    return root.with_signer(KeyPairSigner(account_id=a, key_pair=key))
def make(name, code=None, amount="50 NEAR"):
    acts = [create_account(), transfer(amount), add_full_access_key(key.public_key)]
    if code:
        acts.append(deploy_contract(code))
    root.send_transaction(name, acts)
out = {}
if rounds:
    make("pool.sandbox", open(pool_path, "rb").read())
    make("vault.sandbox", open(vault_path, "rb").read())
    make("alice.sandbox", amount="1000 NEAR")
    as_("vault.sandbox").call("vault.sandbox", "new", {"pool": "pool.sandbox"})
    alice = as_("alice.sandbox")
    def timed(fn):
        fn()
        s = []
        for _ in range(rounds):
            t0 = time.perf_counter(); fn(); s.append((time.perf_counter() - t0) * 1000)
        return s
    out["simple"] = timed(lambda: alice.call("pool.sandbox", "set_failing", {"failing": False}))
    out["callback"] = timed(lambda: alice.call("vault.sandbox", "deposit_and_stake",
                                               deposit="1 NEAR", gas="300 Tgas"))
if clients:
    names = [f"c{i}.sandbox" for i in range(clients)]
    for n in names:
        make(n, amount="100 NEAR")
    counts = [0] * clients
    stop = time.perf_counter() + seconds
    def worker(i):
        c = as_(names[i])
        while time.perf_counter() < stop:
            c.send(names[(i + 1) % clients], "1 yocto")
            counts[i] += 1
    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in ts: t.start()
    for t in ts: t.join()
    out["tps"] = sum(counts) / (time.perf_counter() - t0)
    out["sent"] = sum(counts)
print(json.dumps(out))
'''


def start_node(*args):
    """(process, url, seconds from launch to the first answered status)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "near_safe.cli", "node", "--port", "0",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline()
    m = re.search(r"listening on (http://\S+?:\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the node did not start: {line}{proc.stderr.read()}")
    url = m.group(1)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "status", "params": []}).encode()
    while True:
        try:
            req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=5) as r:
                assert "sync_info" in json.loads(r.read())["result"]
            break
        except OSError:
            time.sleep(0.005)
    return proc, url, time.perf_counter() - t0


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()
    proc.stderr.close()


def client(python, url, pool, vault, rounds, clients, seconds):
    r = subprocess.run([python, "-c", CLIENT, url, str(pool), str(vault), str(rounds),
                        str(clients), str(seconds)], capture_output=True, text=True,
                       timeout=600)
    if r.returncode:
        raise SystemExit(f"the near-kit client failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def in_process(pool, vault, rounds):
    from near_safe.testing import NEAR, Runtime

    rt = Runtime()
    rt.deploy("pool.sandbox", pool)
    rt.deploy("vault.sandbox", vault, init="new", args={"pool": "pool.sandbox"})
    rt.create_account("alice.sandbox", balance=1000 * NEAR)

    def timed(fn):
        fn()
        s = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            out = fn()
            s.append((time.perf_counter() - t0) * 1000)
            assert out.status == "success", out
        return s

    return {"simple": timed(lambda: rt.call("alice.sandbox", "pool.sandbox", "set_failing",
                                            {"failing": False})),
            "callback": timed(lambda: rt.call("alice.sandbox", "vault.sandbox",
                                              "deposit_and_stake", deposit=NEAR))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20, help="calls per batch")
    ap.add_argument("--batches", type=int, default=3)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--starts", type=int, default=5)
    a = ap.parse_args()

    from kitvenv import layered_python

    from near_safe.builder import build_contract

    pool = build_contract(EXAMPLE / "staking_pool.py", progress=False)
    vault = build_contract(EXAMPLE / "vault_safe.py", progress=False)
    python = layered_python()

    # (a) start to first status
    starts = []
    for _ in range(a.starts):
        proc, _url, seconds = start_node()
        stop(proc)
        starts.append(seconds)
    start = statistics.median(starts)

    # (b) latency through near-kit vs the in-process Runtime, in alternating batches (a fresh
    # node each) so that a change of load on the machine touches both sides alike
    kit_s, local_s = {"simple": [], "callback": []}, {"simple": [], "callback": []}
    for _ in range(a.batches):
        proc, url, _ = start_node()
        try:
            got = client(python, url, pool, vault, a.rounds, 0, 0)
        finally:
            stop(proc)
        mine = in_process(pool, vault, a.rounds)
        for k in kit_s:
            kit_s[k] += got[k]
            local_s[k] += mine[k]
    kit = {k: statistics.median(v) for k, v in kit_s.items()}
    local = {k: statistics.median(v) for k, v in local_s.items()}

    # (c) throughput, --state on, and in memory beside it
    with tempfile.TemporaryDirectory() as state:
        proc, url, _ = start_node("--state", state)
        try:
            durable = client(python, url, pool, vault, 0, a.clients, a.seconds)
        finally:
            stop(proc)
    proc, url, _ = start_node()
    try:
        memory = client(python, url, pool, vault, 0, a.clients, a.seconds)
    finally:
        stop(proc)

    print(f"near-safe node (one run; {a.batches} x {a.rounds} calls each way, {a.clients} "
          f"clients x {a.seconds:g} s)")
    print()
    print("| measure | value | goal | ratio to goal |")
    print("|---|---|---|---|")
    print(f"| (a) start to first `status` (median of {a.starts}) | {start * 1000:.0f} ms "
          f"| under 1 s | {start:.2f}x |")
    for kind, label in (("simple", "a simple call"), ("callback", "a call + callback")):
        ratio = kit[kind] / local[kind]
        print(f"| (b) {label}: near-kit -> node, median | {kit[kind]:.2f} ms "
              f"(in-process Runtime {local[kind]:.2f} ms) | within 3x | {ratio:.2f}x "
              f"({ratio / 3:.2f} of the budget) |")
    print(f"| (c) transfers/s, {a.clients} near-kit clients, --state (SQLite) | "
          f"{durable['tps']:.0f} tx/s ({durable['sent']} sent) | - | "
          f"{durable['tps'] / memory['tps']:.2f}x of in memory |")
    print(f"| (c) the same, in memory | {memory['tps']:.0f} tx/s ({memory['sent']} sent) "
          f"| - | 1.00x |")


if __name__ == "__main__":
    main()
