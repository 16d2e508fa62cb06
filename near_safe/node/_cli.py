"""``near-safe node``: a local NEAR node (JSON-RPC over HTTP) on the embedded runtime."""

from __future__ import annotations

import signal
import sys
import threading

from near_safe.errors import UsageError


def add_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=3030,
                        help="TCP port (default 3030, as neard; 0 picks a free one)")
    parser.add_argument("--state", metavar="DIR", default=None,
                        help="keep the chain in DIR (SQLite) and reload it on start; "
                             "default: in memory")
    parser.add_argument("--block-time", metavar="S", type=float, default=None,
                        help="also produce a block every S seconds (default: blocks only "
                             "when transactions come)")


def run(args) -> int:
    from ._http import NodeServer, start_block_timer
    from ._node import GENESIS_ACCOUNTS, TEST_SEED, Node
    from ._store import Store

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a TCP port: pass 0..65535 (0: any free)")
    if args.block_time is not None and not args.block_time > 0:
        raise UsageError(f"--block-time {args.block_time}: pass a number of seconds above 0")
    store = Store(args.state) if args.state else None
    node = Node(store=store)
    try:
        server = NodeServer(node, args.host, args.port)
    except OSError as e:
        raise UsageError(f"cannot listen on {args.host}:{args.port} ({e.strerror}): pass "
                         "another --port (0 picks a free one)") from None
    stop = threading.Event()
    if args.block_time:
        start_block_timer(node, args.block_time, stop)
    where = f"state in {store.path} ({node.replayed} entries replayed)" if store else \
        "state in memory"
    print(f"near-safe node: listening on {server.url} (height {node.rt.height}, {where}); "
          f"root accounts {', '.join(GENESIS_ACCOUNTS)} with the test-seed key "
          f"{TEST_SEED!r}", flush=True)

    def _term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        with node.lock:
            if store is not None:
                store.close()
    print("near-safe node: stopped", file=sys.stderr, flush=True)
    return 0
