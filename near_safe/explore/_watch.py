"""Invariants that need no naming convention (CPython only): what the explorer reads from the
receipts and from near_safe's storage layout, with no view methods and no ``track()``.

* ``attacker_not_richer``: the accounts the attacker controls (the attacker and its hostile
  contract; and each user, every one of which may be an attacker) never end richer than they
  started, gas aside: their gain may not exceed the gas
  rewards the contracts earned meanwhile (a share of a fund grows with them).  Their gain is
  ``got - paid + owned - owned at the start``:

  - *paid*: deposits they attached to their transactions to other accounts;
  - *got*: deposits that reached them from other accounts (function calls and transfers that
    succeeded) and the protocol's deposit refunds (refund receipts whose signer is ``system``;
    gas refunds, whose signer is the original signer, are not value);
  - *owned*: their entries in the NEAR ledgers of every contract (below) and their
    near_safe claimables (``_ns:claim:<account>``).

* ``solvent``: every contract's balance covers what it holds for others: its held NEAR ledgers
  and its claimables (``_ns:claim:*``).

* ``settled_when_idle``: when nothing is in flight, no contract keeps a near_safe in-flight
  record (``_ns:op:<n>``) or lock (``_ns:lock:<key>``): a settlement was lost.

Which ledgers hold NEAR is learnt from the receipts (a ledger is storage keys
``<ledger>:<account>`` holding decimal strings, near_safe's layout):

  held     a receipt with attached deposit D raised ``<ledger>:<predecessor>`` by exactly D (a
           deposit credited), or a receipt that sent a function call with deposit D lowered
           ``<ledger>:<account>`` by exactly D (a debit spent as the deposit): the contract
           keeps that NEAR for the account.  Counted by ``solvent`` and by
           ``attacker_not_richer``.
  valued   a near_safe in-flight record (``_ns:op:<n>``, JSON) names ``[ledger, account,
           amount]`` with the amount of the deposit the same receipt sent (``credit=`` and
           ``debit=`` of safe_call): the ledger is denominated in NEAR but may be backed
           elsewhere (a stake at a pool).  Counted by ``attacker_not_richer`` only.

A token ledger (amounts that never equal a NEAR deposit moving with them) is never counted.
"""

from __future__ import annotations

import json

from ._outcome_view import fmt_near

CLAIM = b"_ns:claim:"
OP = b"_ns:op:"
LOCK = b"_ns:lock:"
SYSTEM = "system"
BUILTIN_WATCHES = ("attacker_not_richer", "solvent", "settled_when_idle")


def _decimal(value: bytes):
    if value and len(value) <= 40 and value.isdigit():
        return int(value)
    return None


def _split(key: bytes):
    """``<ledger>:<account>`` -> (ledger, account) (account ids never contain ':')."""
    head, sep, account = key.rpartition(b":")
    if not sep or not head or not account:
        return None
    try:
        return head.decode(), account.decode()
    except UnicodeDecodeError:
        return None


class Watch:
    """The convention-free invariants of one run.  ``paid``/``got`` are per schedule (copied
    with snapshots); the ledgers learnt are knowledge kept across schedules."""

    def __init__(self, rt, attackers, enabled=BUILTIN_WATCHES, users=()):
        self.rt = rt
        self.attackers = frozenset(attackers)
        self.enabled = tuple(enabled)
        # every account the explorer acts with may be an attacker: each user on its own, and
        # the attacker with its contracts
        self.groups = {u: frozenset((u,)) for u in users if u not in self.attackers}
        if self.attackers:
            self.groups["attacker"] = self.attackers
        self.group_of = {a: g for g, accounts in self.groups.items() for a in accounts}
        self.paid = dict.fromkeys(self.groups, 0)
        self.got = dict.fromkeys(self.groups, 0)
        self.rewards = 0  # gas rewards the contracts earned: the "gas aside" tolerance
        self.moved = False  # did any value move to or from these accounts in any schedule?
        self.held = {}  # contract -> {ledger names}
        self.valued = {}  # contract -> {ledger names}
        self.seen_records = set()  # contracts seen holding near_safe records or locks
        self.contracts = [a for a in rt.accounts if rt.is_contract(a) and a not in
                          self.group_of]
        self.start = {c: rt.storage_view(c) for c in self.contracts}
        for c in self.contracts:
            self._learn_records(c, rt.storage_view(c), ())

    # ------------------------------------------------------------------ snapshots
    def flows(self):
        return (dict(self.paid), dict(self.got), self.rewards)

    def set_flows(self, flows) -> None:
        paid, got, self.rewards = flows
        self.paid, self.got = dict(paid), dict(got)

    # ------------------------------------------------------------------ accounting
    def on_submit(self, signer: str, receiver: str, deposit: int) -> None:
        g = self.group_of.get(signer)
        if g is not None and receiver not in self.groups[g]:
            self.paid[g] += deposit
            self.moved = self.moved or deposit > 0

    def on_receipt(self, outcome, before: dict | None, produced: list) -> None:
        """Account one executed receipt; learn ledgers from the change it made to its
        receiver's storage (``before`` -> now) and the deposits it sent (``produced``:
        UpcomingReceipts it emitted)."""
        if outcome is None:
            return
        dep = outcome.deposit or 0
        recv, pred = outcome.receiver, outcome.predecessor
        g = self.group_of.get(recv)
        if g is None:
            self.rewards += outcome.contract_reward or 0
        elif dep and outcome.status != "failure":
            if outcome.is_refund:
                if outcome.signer == SYSTEM:  # a deposit refund, not a gas refund
                    self.got[g] += dep
                    self.moved = True
            elif pred not in self.groups[g]:
                self.got[g] += dep
                self.moved = True
        if outcome.is_refund or outcome.status == "failure" or recv not in self.start:
            return
        after = self.rt.storage_view(recv)
        if before is None or after is before:
            return
        sent = {u.deposit for u in produced if u.deposit and u.receiver != recv
                and u.method is not None}
        held = self.held.setdefault(recv, set())
        for key in set(before) | set(after):
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            parts = _split(key)
            if parts is None or parts[0].startswith("_ns:"):
                continue
            a, b = _decimal(old) if old else 0, _decimal(new) if new else 0
            if a is None or b is None:
                continue
            if dep and b - a == dep and parts[1] == pred:
                held.add(parts[0])
            elif sent and a - b in sent:
                held.add(parts[0])
        self._learn_records(recv, after, sent)

    def _learn_records(self, contract, data, sent) -> None:
        valued = self.valued.setdefault(contract, set())
        for key, value in data.items():
            if key.startswith(LOCK):
                self.seen_records.add(contract)
            if not key.startswith(OP):
                continue
            self.seen_records.add(contract)
            try:
                record = json.loads(value)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            for entry in record.values():
                if (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
                        and isinstance(entry[2], str) and entry[2].isdigit()
                        and int(entry[2]) in sent):
                    valued.add(entry[0])

    # ------------------------------------------------------------------ reading state
    def owned(self, data_of, group="attacker") -> int:
        """What the group's accounts own in the contracts' NEAR ledgers and claimables,
        reading each contract's storage through ``data_of(contract)``."""
        total = 0
        accounts = [a.encode() for a in self.groups.get(group, ())]
        for c in self.contracts:
            data = data_of(c)
            if not data:
                continue
            prefixes = [CLAIM] + [ledger.encode() + b":" for ledger in
                                  self.held.get(c, ()) or ()] + [
                ledger.encode() + b":" for ledger in self.valued.get(c, ()) or ()
                if ledger not in self.held.get(c, ())]
            for a in accounts:
                for prefix in prefixes:
                    raw = data.get(prefix + a)
                    if raw:
                        total += _decimal(raw) or 0
        return total

    def owed(self, contract: str, data: dict) -> int:
        held = self.held.get(contract, set())
        total = 0
        for key, value in data.items():
            if key.startswith(CLAIM):
                total += _decimal(value) or 0
                continue
            if held:
                parts = _split(key)
                if parts is not None and parts[0] in held:
                    total += _decimal(value) or 0
        return total

    def gain(self, group="attacker") -> int:
        if group not in self.groups:
            return 0
        rt = self.rt
        now = self.owned(rt.contract_data, group)
        then = self.owned(self.start.get, group)
        return self.got[group] - self.paid[group] + now - then

    def check(self, idle: bool):
        """(invariant, message) of the first broken one, or None."""
        rt = self.rt
        if "attacker_not_richer" in self.enabled:
            for g in sorted(self.groups, key=lambda g: g != "attacker"):
                gain = self.gain(g)
                if gain > self.rewards:
                    who = ", ".join(sorted(self.groups[g]))
                    return ("attacker_not_richer",
                            f"{who} gained {fmt_near(gain)} (paid {fmt_near(self.paid[g])}, got "
                            f"{fmt_near(self.got[g])}, ledgers and claimables now worth "
                            f"{fmt_near(self.owned(rt.contract_data, g))}; the contracts' gas "
                            f"rewards meanwhile: {fmt_near(self.rewards)})")
        if "solvent" in self.enabled:
            for c in self.contracts:
                data = rt.contract_data(c)
                if data is None:
                    continue
                owed = self.owed(c, data)
                if owed and rt.balance(c) < owed:
                    return ("solvent",
                            f"{c} holds {fmt_near(rt.balance(c))} but owes {fmt_near(owed)} "
                            f"(ledgers {sorted(self.held.get(c, ()))} and claimables)")
        if "settled_when_idle" in self.enabled and idle:
            for c in self.contracts:
                data = rt.contract_data(c) or {}
                left = sorted(k.decode("utf-8", "replace") for k in data
                              if k.startswith(OP) or k.startswith(LOCK))
                if left:
                    return ("settled_when_idle",
                            f"nothing is in flight but {c} still has near_safe "
                            f"record(s)/lock(s) {left}: a settlement was lost")
        return None

    def describe(self) -> list:
        """What these invariants watch, one line each (empty: nothing).  The money invariant
        counts only once value moved to or from the accounts, or a NEAR ledger was learnt."""
        out = []
        if "attacker_not_richer" in self.enabled and self.groups and (
                self.moved or any(self.held.values()) or any(self.valued.values())):
            who = [", ".join(sorted(self.groups[g])) for g in sorted(self.groups)]
            out.append("attacker_not_richer: " + "; ".join(who) + " never end richer "
                       "(deposits, refunds, NEAR ledgers, claimables; gas aside)")
        if "solvent" in self.enabled:
            for c in self.contracts:
                held = sorted(self.held.get(c, ()))
                if held or c in self.seen_records:
                    out.append(f"solvent: {c} balance >= claimables"
                               + (f" + ledgers {held}" if held else ""))
        if "settled_when_idle" in self.enabled:
            seen = sorted(self.seen_records)
            if seen:
                out.append("settled_when_idle: no near_safe record or lock left when idle in "
                           + ", ".join(seen))
        return out
