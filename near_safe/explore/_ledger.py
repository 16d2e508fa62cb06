"""Per-user money accounting behind the built-in invariants (CPython only).

What a user "has" in a system of contracts is split three ways:

* **paid in** (``deposited``): deposits the user attached to its transactions;
* **got back** (``returned``): value that reached the user's wallet from the system: transfers
  and function-call deposits sent by contracts, and the runtime's deposit refund of the user's
  own failed receipts (docs/protocol.md 4.3, counted when the failure happens: the refund receipt
  cannot fail, the user exists);
* **credited**: what tracked contracts say they owe the user (their view methods).

Gas is deliberately outside the ledger: gas refunds (refund receipts to the signer,
docs/protocol.md 4.4) and tokens burnt are not counted, so the accounting is exact in yoctoNEAR with
no tolerance.

The built-in invariants are then, per user ``u``:

* ``no_unbacked_credit`` (always): ``credited(u) + returned(u) <= deposited(u)``; no user is
  ever owed or paid more than it put in;
* ``conservation``: ``credited(u) + returned(u) + in_flight(u) == deposited(u)``; nothing
  was lost either.  ``in_flight`` is the deposits travelling between the user and the system
  (:meth:`Ledger.in_flight`) plus what the tracked contracts say they hold for the user in
  operations not settled yet (their ``in_flight`` views).  A contract that does not say (no
  ``in_flight`` view) is only checked when nothing is in flight, where in_flight is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._outcome_view import fmt_near


@dataclass
class Ledger:
    """Money between the users and the tracked contracts (the system under test).  Deposits
    to, and payments from, accounts that are not tracked are outside the system and not
    counted (a user staking directly in an untracked pool neither owes nor is owed by it)."""

    users: tuple
    system: frozenset = frozenset()
    deposited: dict = field(default_factory=dict)
    returned: dict = field(default_factory=dict)

    def __post_init__(self):
        for u in self.users:
            self.deposited.setdefault(u, 0)
            self.returned.setdefault(u, 0)

    def copy(self) -> Ledger:
        return Ledger(self.users, self.system, dict(self.deposited), dict(self.returned))

    def on_submit(self, signer: str, receiver: str, deposit: int) -> None:
        if signer in self.deposited and receiver in self.system:
            self.deposited[signer] += deposit

    def on_receipt(self, outcome, refund_to=None) -> None:
        """Account one executed receipt (a near_safe.testing ReceiptOutcome); ``refund_to``:
        the account its deposit goes back to if it failed (None: the predecessor)."""
        if outcome is None or getattr(outcome, "is_refund", False):
            return  # deposit refunds are counted at the failure below; gas refunds are not value
        deposit = getattr(outcome, "deposit", 0) or 0
        if not deposit:
            return
        pred, recv = outcome.predecessor, outcome.receiver
        if outcome.status == "failure":
            # the runtime refunds the user's own failed deposit to it (docs/protocol.md 4.3)
            if pred in self.returned and recv in self.system and refund_to in (None, pred):
                self.returned[pred] += deposit
            # a tracked contract's failed call whose deposit goes straight back to a user
            # (promise_set_refund_to, protocol >= 82)
            elif refund_to in self.returned and pred in self.system:
                self.returned[refund_to] += deposit
        elif recv in self.returned and pred in self.system:
            self.returned[recv] += deposit

    def in_flight(self, deposits) -> dict:
        """Per user, the deposits travelling between the user and the system: its own calls
        to tracked contracts not yet run, and payments from them not yet arrived."""
        out = dict.fromkeys(self.users, 0)
        for src, dst, amount in deposits:
            if src in out and dst in self.system:
                out[src] += amount
            elif dst in out and src in self.system:
                out[dst] += amount
        return out

    def row(self, user: str, credited: int) -> str:
        d, r = self.deposited[user], self.returned[user]
        diff = credited + r - d
        tag = "" if diff == 0 else (f"  GAIN {fmt_near(diff)}" if diff > 0 else
                                    f"  LOSS {fmt_near(-diff)}")
        return (f"{user:<20} paid in {fmt_near(d):>14}   got back {fmt_near(r):>14}   "
                f"credited {fmt_near(credited):>14}{tag}")
