"""Gas per call of each port beside its near-sdk-py / near-pytest original (issue 14, "Done
when": goal, no port costs more).  One run, both sides on one embedded runtime in Wasm mode
(gas figures come from Wasm mode): the original contract (near-sdk-py 1.0.0's
integration_tests/contracts/ and near-pytest 1.0.0's example counter, from the sdists) and its
port (tests/ports/contracts/) get the same calls with the same arguments; each row is the gas
the transaction burnt (all its receipts) in Tgas and the ratio port / original.  A call that
fails on one side is marked (its gas still shown: a refusal near_safe makes on purpose, e.g.
strict input, is cheaper than the work it refuses).

Run: python bench/bench_ports.py [SDIST_FOLDER]
SDIST_FOLDER holds near_sdk_py-1.0.0/ and near_pytest-1.0.0/ unpacked; without it they are
downloaded with pip (pip download --no-deps --no-binary :all: ...) into a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from near_safe.testing import NEAR, TGAS, Runtime

ROOT = Path(__file__).resolve().parents[1]
PORTS = ROOT / "tests" / "ports" / "contracts"

# contract file (relative to integration_tests/contracts/ or examples/) -> calls, in order:
# (method, args, deposit).  "{other}" is the account of a second copy of the same contract.
CALLS = {
    "greeting_contract.py": [
        ("initialize", {"default_message": "Initial greeting"}, 0),
        ("set_greeting", {"message": "Hello from Alice!"}, 0),
        ("get_greeting", {}, 0),
        ("get_greeting_with_language", {"language": "spanish"}, 0),
    ],
    "ownership_contract.py": [
        ("initialize", {}, 0),
        ("get_owner", {}, 0),
        ("update_config", {"key": "fee", "value": "5"}, 0),
        ("get_config", {"key": "fee"}, 0),
        ("transfer_ownership", {"new_owner": "bob.test.near"}, 0),
    ],
    "storage_contract.py": [
        ("initialize", {}, 0),
        ("set_value", {"key": "k", "value": "v"}, 0),
        ("get_value", {"key": "k"}, 0),
        ("has_key", {"key": "k"}, 0),
        ("delete_value", {"key": "k"}, 0),
    ],
    "basic_contract.py": [
        ("set_value", {"key": "k", "value": "v"}, 0),
        ("get_value", {"key": "k"}, 0),
        ("echo", {"message": "hi"}, 0),
        ("direct_call", {"contract_id": "{other}", "key": "k"}, 0),
    ],
    "callback_contract.py": [
        ("set_value", {"key": "k", "value": "v"}, 0),
        ("call_with_callback", {"contract_id": "{other}", "key": "k"}, 0),
        ("join_promises", {"contract_id1": "{other}", "contract_id2": "{other}", "key1": "k",
                           "key2": "k"}, 0),
        ("chain_calls", {"contract_id1": "{other}", "contract_id2": "{other}", "key1": "k",
                         "key2": "k"}, 0),
    ],
    "error_handling_contract.py": [
        ("set_value", {"key": "k", "value": "v"}, 0),
        ("call_nonexistent_method", {"contract_id": "{other}"}, 0),
        ("conditional_callback", {"contract_id": "{other}", "key": "k", "min_length": 1}, 0),
    ],
    "callback_security_contract.py": [
        ("set_value", {"key": "k", "value": "v"}, 0),
        ("self_call_with_callback", {"key": "k"}, 0),
    ],
    "token_gas_contract.py": [
        ("set_value", {"key": "k", "value": "v"}, 0),
        ("receive_funds", {}, NEAR),
    ],
    "collections/vector.py": [
        ("hello", {}, 0),
        ("add_item", {"item": "a"}, 0),
        ("add_item", {"item": "b"}, 0),
        ("get_item", {"index": 0}, 0),
        ("get_all_items", {}, 0),
        ("pop_item", {"index": 0}, 0),
    ],
    "collections/lookup_map.py": [
        ("hello", {}, 0),
        ("set", {"key": "a", "value": "1"}, 0),
        ("get", {"key": "a"}, 0),
        ("contains_key", {"key": "a"}, 0),
        ("remove", {"key": "a"}, 0),
    ],
    "collections/lookup_set.py": [
        ("hello", {}, 0),
        ("add", {"value": "a"}, 0),
        ("contains", {"value": "a"}, 0),
        ("remove", {"value": "a"}, 0),
        ("discard", {"value": "b"}, 0),
    ],
    "collections/unordered_map.py": [
        ("hello", {}, 0),
        ("set_item", {"key": "a", "value": "1"}, 0),
        ("set_item", {"key": "b", "value": "2"}, 0),
        ("get_item", {"key": "a"}, 0),
        ("get_all_items", {}, 0),
        ("get_paginated_items", {"start_index": 1, "limit": 1}, 0),
        ("remove_item", {"key": "a"}, 0),
    ],
    "collections/unordered_set.py": [
        ("hello", {}, 0),
        ("add_item", {"value": "a"}, 0),
        ("add_item", {"value": "b"}, 0),
        ("contains_value", {"value": "a"}, 0),
        ("get_all_items", {}, 0),
        ("remove_item", {"value": "a"}, 0),
    ],
    "counter_contract/__init__.py": [
        ("new", {"starting_count": 0}, 0),
        ("increment", {}, 0),
        ("get_count", {}, 0),
        ("reset", {"value": 5}, 0),
    ],
}


def sdists(folder: Path | None) -> tuple[Path, Path]:
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="bench_ports_"))
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        "--no-binary", ":all:", "-d", str(folder), "near-sdk-py==1.0.0",
                        "near-pytest==1.0.0"], check=True)
        for archive in folder.glob("*.tar.gz"):
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")
    return folder / "near_sdk_py-1.0.0", folder / "near_pytest-1.0.0"


def original_of(rel: str, sdk: Path, nptest: Path) -> Path:
    if rel.startswith("counter_contract/"):
        return nptest / "examples" / rel
    return sdk / "integration_tests" / "contracts" / rel


def port_of(rel: str) -> Path:
    if rel.startswith("counter_contract/"):
        return PORTS / "near_pytest" / rel
    return PORTS / "near_sdk_py" / rel


def measure(rt, alice, path: Path, tag: str, calls) -> list:
    stem = path.parent.name if path.stem == "__init__" else path.stem
    name = tag + "-" + stem.replace("_", "-")[:30]
    main = rt.deploy(f"{name}.test.near", path, balance=20 * NEAR)
    other = rt.deploy(f"{name}-b.test.near", path, balance=20 * NEAR)
    out = []
    for method, args, deposit in calls:
        args = {k: (v.replace("{other}", other.id) if isinstance(v, str) else v)
                for k, v in args.items()}
        res = alice.call(main, method, args, deposit=deposit, gas=300 * TGAS)
        out.append((res.gas_burnt, res.error))
    return out


def main(argv) -> int:
    sdk, nptest = sdists(Path(argv[1]) if len(argv) > 1 else None)
    rt = Runtime(mode="wasm")
    alice = rt.create_account("alice.test.near", balance=1000 * NEAR)
    rt.create_account("bob.test.near", balance=10 * NEAR)
    print(f"{'contract.method':<58}{'original':>10}{'port':>10}{'port/orig':>11}")
    worse = 0
    for rel, calls in CALLS.items():
        orig = measure(rt, alice, original_of(rel, sdk, nptest), "o", calls)
        port = measure(rt, alice, port_of(rel), "p", calls)
        for (method, _, _), (og, oe), (pg, pe) in zip(calls, orig, port):
            mark = ("" if not (oe or pe) else
                    f"  [{'orig failed' if oe else ''}{', ' if oe and pe else ''}"
                    f"{'port failed: ' + pe.split(':')[-1].strip()[:60] if pe else ''}]")
            ratio = pg / og
            worse += ratio > 1.0
            label = rel.split("/")[-2] if rel.endswith("__init__.py") else rel.split("/")[-1][:-3]
            print(f"{label + '.' + method:<58}{og / TGAS:>10.2f}"
                  f"{pg / TGAS:>10.2f}{ratio:>10.2f}x{mark}")
    print(f"\n{worse} call(s) cost more on the port than on the original")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
