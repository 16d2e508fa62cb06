"""near_safe.node: a local NEAR node (JSON-RPC over HTTP) on the embedded runtime (CPython).

    near-safe node [--host 127.0.0.1] [--port 3030] [--state DIR] [--block-time S]

Clients (near-kit, near-api-js, near-cli-rs, ...) talk to it as to neard's sandbox: the root
account ``sandbox`` (and ``test.near``) signs with nearcore's test-seed key ``"sandbox"``.
In a test session: the ``near_node`` fixture (``-p near_safe.node.pytest_fixture``).
See docs/node.md.
"""

from ._node import GENESIS_ACCOUNTS, ROOT_ACCOUNT, TEST_SEED, Node, test_seed_signing_key

__all__ = ["GENESIS_ACCOUNTS", "Node", "ROOT_ACCOUNT", "TEST_SEED", "test_seed_signing_key"]
