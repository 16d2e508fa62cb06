"""near-pytest on ``near-safe node``: the "node" backend of near_safe.compat's plugin.

    pytest -p near_safe.compat.plugin --near-backend=node     (or NEAR_SAFE_BACKEND=node)

Only near-pytest's SandboxManager (which would download and start ``neard``) and its compiler
(nearc's CLI, which pip-installs in containers) are swapped; near-pytest's own NearClient - py-near
over HTTP JSON-RPC - talks to a real ``near-safe node`` listening on a free loopback port, one
node per sandbox near-pytest starts (per NearTestCase class, and one for the session
``sandbox`` fixture), as separate neard sandboxes would be.  So a suite exercises the node's
RPC exactly as it would exercise neard's.

State: ``dump_state()`` returns nearcore state records (Account, AccessKey, Contract, Data) led
by a ``NearSafeSnapshot`` record (a near_safe extension, docs/node.md); near-pytest's
``reset_state`` sends them back through ``sandbox_patch_state`` and the node returns to that
exact state, as the embedded backend does (the suites rely on it).

CPython only; needs near-pytest (the ``compat`` extra).
"""

from __future__ import annotations

import base64

from near_safe.compat._sandbox import InProcessSandboxManager

_state = {"saved": []}


class NodeSandboxManager(InProcessSandboxManager):
    """near-pytest's SandboxManager backed by an in-process ``near-safe node`` (no binary)."""

    def __init__(self, home_dir=None, port=None):  # no temp folder, no atexit, no binary
        self._port = port or 0
        self._running = None

    def start(self):
        if self._running is not None:
            return
        from .pytest_fixture import start_node

        self._running = start_node(port=self._port)

    def stop(self):
        if self._running is not None:
            self._running.stop()
            self._running = None

    def is_running(self) -> bool:
        return self._running is not None

    def rpc_endpoint(self) -> str:
        if self._running is None:
            raise RuntimeError("the node is not started: call start() first")
        return self._running.url

    def get_validator_key(self) -> str:
        """test.near's key (nearcore's test seed "sandbox", 64-byte secret as py-near wants)."""
        self.start()
        return self._running.root_secret

    @property
    def node(self):
        return self._running.node if self._running is not None else None

    def dump_state(self) -> list:
        """nearcore state records, led by near_safe's ``NearSafeSnapshot`` record: sent back
        through ``sandbox_patch_state`` (near-pytest's reset_state) the node returns to this
        exact state, as near_safe's embedded backend does (neard would only overwrite the
        listed records and keep what was created since)."""
        from near_safe.testing import base58

        node = self.node
        with node.lock:
            sid = node.handle({"jsonrpc": "2.0", "id": 0, "method": "near_safe_snapshot",
                               "params": {}})["result"]["snapshot_id"]
            records = [{"NearSafeSnapshot": {"snapshot_id": sid}}]
            rt = node.rt
            for account_id in rt.accounts:
                view = rt.account(account_id)
                records.append({"Account": {"account_id": account_id, "account": {
                    "amount": str(view.amount), "locked": str(view.locked),
                    "code_hash": base58(view.code_hash or bytes(32)),
                    "storage_usage": view.storage_usage, "version": "V1"}}})
                for pk, key in rt.access_keys(account_id).items():
                    from ._views import access_key_json

                    records.append({"AccessKey": {
                        "account_id": account_id, "public_key": "ed25519:" + base58(pk[1:]),
                        "access_key": access_key_json(key)}})
                code = rt.code(account_id)
                if code is not None:
                    records.append({"Contract": {"account_id": account_id,
                                                 "code": base64.b64encode(code).decode()}})
                for k, v in sorted(rt.storage(account_id).items()):
                    records.append({"Data": {"account_id": account_id,
                                             "data_key": base64.b64encode(k).decode(),
                                             "value": base64.b64encode(v).decode()}})
        return records

    def reset_state(self):
        """Back to genesis: a new node."""
        self.stop()
        self.start()

    def _run_command(self, args):
        raise RuntimeError(f"near-safe node runs no neard command ({' '.join(args)})")


def activate() -> None:
    """Swap near-pytest's SandboxManager and compiler (idempotent); its NearClient stays."""
    from near_safe.compat._patch import apply, targets

    if not _state["saved"]:
        _state["saved"] = apply(targets(NodeSandboxManager))


def deactivate() -> None:
    from near_safe.compat._patch import undo

    undo(_state["saved"])
    _state["saved"] = []


def is_active() -> bool:
    return bool(_state["saved"])
