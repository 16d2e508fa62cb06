"""near_safe.deploy: deploy a contract to a NEAR network (CPython only).

    near-safe deploy CONTRACT.py|.wasm --account ID [--network testnet|mainnet|URL]
                     [--init METHOD [--args JSON]] [--gas TGAS] [--yes]

A ``.py`` contract is built first (near_safe.builder, cached).  The code and the init call go in
ONE transaction (DeployContract + FunctionCall): nobody can call ``init`` between the deploy
and ours, and a failing init leaves no code behind (the batch is atomic).  The key comes from
``NEAR_PRIVATE_KEY`` (with ``--account``) or from near-cli's credentials file
``~/.near-credentials/<network>/<account>.json``; for a URL the network's name is the
``chain_id`` its node reports (``localnet`` for ``near-safe node``).  A mainnet deploy asks
for confirmation (``--yes`` skips it).

The client is near-kit (PyPI ``near-kit``, import package ``near``), imported only here: see
docs/node.md "Deploy" for why near-kit and how it shares a process with near_safe.

    deploy(contract, account_id, network="testnet", init=None, args=None, ...) -> Deployed
"""

from ._deploy import Deployed, deploy

__all__ = ["Deployed", "deploy"]
