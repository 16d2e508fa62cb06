"""Handles a test holds: an account to sign transactions as, a submitted transaction.

CPython only.
"""

from __future__ import annotations

from typing import Optional

from ._outcomes import AccountView, TxOutcome
from ._state import base58
from .params import TGAS

DEFAULT_GAS = 300 * TGAS


class TxHandle:
    """A submitted transaction.  ``outcome()`` gives its outcome so far (status "pending"
    until every receipt of its tree has run)."""

    def __init__(self, runtime, tx_id: bytes):
        self._rt, self.tx_id = runtime, tx_id

    @property
    def id(self) -> str:
        return base58(self.tx_id)

    def outcome(self) -> TxOutcome:
        return self._rt.tx_outcome(self.tx_id)

    @property
    def done(self) -> bool:
        return self.outcome().done

    def wait(self) -> TxOutcome:
        """Run the runtime to idle and return this transaction's outcome."""
        self._rt.run()
        return self.outcome()

    def __repr__(self):
        o = self.outcome()
        return f"<Tx {self.id[:8]} {o.signer} -> {o.receiver} {o.status}>"


class AccountHandle:
    """An account of a :class:`Runtime`: sign transactions as it, view its contract."""

    def __init__(self, runtime, account_id: str):
        self.runtime, self.id = runtime, account_id

    def call(self, receiver, method: str, args=None, deposit: int = 0, gas: int = DEFAULT_GAS,
             public_key: Optional[bytes] = None) -> TxOutcome:
        """Sign a function call to ``receiver`` and run to idle."""
        return self.runtime.call(self.id, receiver, method, args, deposit, gas, public_key)

    def submit(self, receiver, method: str, args=None, deposit: int = 0,
               gas: int = DEFAULT_GAS, public_key: Optional[bytes] = None) -> TxHandle:
        """Queue a function call to ``receiver`` for the next block (not run)."""
        return self.runtime.submit(self.id, receiver, method, args, deposit, gas, public_key)

    def execute(self, receiver, actions: list, public_key: Optional[bytes] = None) -> TxOutcome:
        """Sign a transaction with any actions and run to idle."""
        return self.runtime.execute(self.id, receiver, actions, public_key)

    def submit_actions(self, receiver, actions: list,
                       public_key: Optional[bytes] = None) -> TxHandle:
        return self.runtime.submit_transaction(self.id, receiver, actions, public_key)

    def transfer(self, receiver, amount: int) -> TxOutcome:
        return self.runtime.transfer(self.id, receiver, amount)

    def view(self, method: str, args=None):
        """A view call on this account's contract."""
        return self.runtime.view(self.id, method, args)

    @property
    def balance(self) -> int:
        return self.runtime.balance(self.id)

    @property
    def state(self) -> AccountView:
        return self.runtime.account(self.id)

    @property
    def storage(self) -> dict:
        return self.runtime.storage(self.id)

    @property
    def public_key(self) -> bytes:
        """The account's first access key (the one create_account gave it)."""
        return next(iter(self.runtime.access_keys(self.id)))

    def __str__(self):
        return self.id

    def __repr__(self):
        return f"<AccountHandle {self.id}>"

    def __eq__(self, other):
        if isinstance(other, AccountHandle):
            return other.runtime is self.runtime and other.id == self.id
        if isinstance(other, str):
            return other == self.id
        return NotImplemented

    def __hash__(self):
        return hash(self.id)

