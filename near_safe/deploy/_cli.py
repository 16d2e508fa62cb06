"""``near-safe deploy``: deploy and initialize a contract in one transaction (near-kit)."""

from __future__ import annotations

import sys


def add_arguments(parser) -> None:
    parser.add_argument("contract", metavar="CONTRACT",
                        help="a contract source (.py, built first, cached) or a compiled .wasm")
    parser.add_argument("--account", required=True, metavar="ID",
                        help="the account the code goes to; it signs the transaction")
    parser.add_argument("--network", default="testnet", metavar="testnet|mainnet|URL",
                        help="where to deploy (default testnet); a URL is any NEAR RPC node, "
                             "e.g. http://127.0.0.1:3030 for near-safe node")
    parser.add_argument("--init", metavar="METHOD", default=None,
                        help="call METHOD in the same transaction as the deploy (no window "
                             "for anyone else's init; a failing init deploys nothing)")
    parser.add_argument("--args", metavar="JSON", default=None,
                        help="the init's arguments, a JSON object (default {})")
    parser.add_argument("--gas", metavar="TGAS", type=int, default=100,
                        help="gas for the init call in Tgas (default 100)")
    parser.add_argument("--yes", action="store_true",
                        help="deploy to mainnet without asking")


def _ask(question: str) -> bool:
    print(question, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def run(args) -> int:
    from ._deploy import DeployFailed, deploy

    try:
        done = deploy(args.contract, args.account, args.network, args.init, args.args,
                      gas_tgas=args.gas, yes=args.yes,
                      confirm=_ask if sys.stdin is not None and sys.stdin.isatty() else None,
                      progress=lambda line: print(f"near-safe deploy: {line}", file=sys.stderr,
                                                  flush=True))
    except DeployFailed as e:
        print(f"near-safe deploy: failed: {e}", file=sys.stderr)
        return 1
    print(f"deployed {done.code_size:,} bytes (code hash {done.code_hash}) to "
          f"{done.account_id} on {done.network} in transaction {done.tx_hash} "
          f"({' + '.join(done.actions)})")
    if done.init:
        print(f"{done.init} returned {done.init_result!r}" if done.init_result is not None
              else f"{done.init} ran")
    return 0
