"""pytest fixture ``near_node``: a local NEAR node for the test session.

Load it with ``-p near_safe.node.pytest_fixture`` (or ``pytest_plugins =
["near_safe.node.pytest_fixture"]`` in a conftest.py).  The node serves on a free loopback
port from a thread of the test process (state in memory) and is stopped when the session
ends::

    def test_status(near_node):
        near = Near(rpc_url=near_node.url, signer=...)   # any NEAR client

``near_node.url``, ``near_node.node`` (the :class:`~near_safe.node.Node`, whose ``rt`` is the
runtime behind it) and ``near_node.root_key`` (PyNaCl SigningKey of ``sandbox`` and
``test.near``; its secret as near-kit/near-api-js want it: ``near_node.root_secret``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest


@dataclass
class RunningNode:
    url: str
    node: object
    server: object
    thread: threading.Thread

    @property
    def root_key(self):
        from ._node import test_seed_signing_key

        return test_seed_signing_key()

    @property
    def root_secret(self) -> str:
        """``ed25519:<base58 of the 64-byte secret>`` (seed + public key)."""
        from near_safe.testing import base58

        key = self.root_key
        return "ed25519:" + base58(bytes(key) + bytes(key.verify_key))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start_node(host: str = "127.0.0.1", port: int = 0, store=None) -> RunningNode:
    """Start a node in a thread of this process (port 0: a free one)."""
    from ._http import NodeServer
    from ._node import Node

    server = NodeServer(Node(store=store), host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="near-safe node", daemon=True)
    thread.start()
    return RunningNode(server.url, server.node, server, thread)


@pytest.fixture(scope="session")
def near_node():
    running = start_node()
    try:
        yield running
    finally:
        running.stop()
