"""One live system under exploration: a runtime, the machine instance, the ledger and the trace
of what ran (CPython only).

The explorer and the printed reproduction tests drive the same object, so a printed test
replays exactly what the explorer did: ``run.submit(...)`` queues a transaction,
``run.step(fault=None)`` runs the next receipt (optionally failing it), ``run.finish()`` runs to
idle; each step checks every invariant.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ExecutionFailure, NearSafeError, UsageError
from ..testing import Config, InvalidTransaction
from ._faults import FaultRuntime, NextReceipt
from ._ledger import Ledger
from ._machine import DEFAULT_GAS, FAULT_KINDS, Submitted
from ._outcome_view import describe_receipt, fmt_near
from ._schedule import check_runaway
from ._text import shown
from ._watch import Watch

# Block times are pinned (not the wall clock) so that a seed gives the same schedules and the
# printed reproduction the same result whenever it runs.
GENESIS_TIME_NS = 1_700_000_000 * 10**9

#: A contract with no methods: the attacker's own contract.  Every call to it fails
#: (MethodNotFound) unless the explorer makes it hostile (keep_deposit_fail, answer:*).
HOSTILE_WAT = '(module (memory (export "memory") 1))'


class InvariantViolation(NearSafeError, AssertionError):
    """Raised by a reproduction test (``Run.step``/``Run.finish``) when an invariant breaks."""


@dataclass(frozen=True)
class Violation:
    invariant: str
    message: str
    idle: bool


class Run:
    def __init__(self, machine_cls, settings):
        self.machine_cls = machine_cls
        self.settings = settings
        self.machine = None
        self.rt = None
        self.users = ()
        self.ledger = None
        self.trace = []  # lines describing executed steps, for the report
        self.raise_on_violation = False
        self._gas_override = None
        self._submitted_now = None
        self._view_cache = {}
        self._fingerprints = {}
        self._last_builtins = None
        self._invariants = None
        self.watch = None
        self._peeked = None  # (version, NextReceipt) cache of the look-ahead
        self._upcoming = None  # (version, [UpcomingReceipt]) cache
        self._version = 0

    # ------------------------------------------------------------------ set-up
    @classmethod
    def start(cls, machine_cls, settings, raise_on_violation=True) -> Run:
        run = cls(machine_cls, settings)
        run.raise_on_violation = raise_on_violation
        mode = getattr(machine_cls, "mode", "wasm")
        hostile = machine_cls.hostile_accounts() if settings.attacker else ()
        protocol = getattr(machine_cls, "protocol", None)  # None: the default version
        shards = _shard_boundaries(machine_cls)
        config = Config(genesis_time_ns=GENESIS_TIME_NS, shard_boundaries=shards) \
            if protocol is None else Config.for_protocol(
                protocol, genesis_time_ns=GENESIS_TIME_NS, shard_boundaries=shards)
        run.rt = FaultRuntime(mode=mode, large_bytes=settings.large_bytes, memo=settings.memo,
                              hostile=hostile, config=config)
        if not isinstance(machine_cls.users, dict) or not machine_cls.users:
            raise UsageError(f"{machine_cls.__name__}.users = {machine_cls.users!r}: give a "
                             "dict {account id: NEAR balance}, e.g. {'alice.near': 100}")
        users = dict(machine_cls.users)
        if machine_cls.attacker and settings.attacker:
            users.setdefault(machine_cls.attacker, machine_cls.attacker_balance)
        for account_id, balance in users.items():
            run.rt.create_account(account_id, balance=int(balance * 10**24))
        run.users = tuple(users)
        for account_id in hostile:
            run.rt.deploy(account_id, HOSTILE_WAT, balance=10**24)
        run.ledger = Ledger(run.users)
        machine = machine_cls()
        machine._run = run
        run.machine = machine
        machine.setup(run.rt)
        run.ledger = Ledger(run.users, frozenset(t.account_id for t in machine._tracked))
        run.initial_balances = {t.account_id: run.rt.balance(t.account_id)
                                for t in machine._tracked}
        attackers = (machine_cls.attacker, *hostile) if hostile else ()
        run.rt.ignored = set(attackers)
        run.watch = Watch(run.rt, attackers, settings.watch, run.users)
        run.rt.forget_observed()
        return run

    @property
    def tracked(self):
        return self.machine._tracked

    # ------------------------------------------------------------------ acting
    def submit(self, signer: str, receiver: str, method: str, args: dict | None = None,
               deposit: int = 0, gas: int | None = None):
        """Queue a transaction from ``signer`` (it runs when stepped)."""
        if self._gas_override is not None:
            gas, self._gas_override = self._gas_override, None
        gas = DEFAULT_GAS if gas is None else int(gas)
        args = args if isinstance(args, str) else dict(args or {})  # str: raw argument bytes
        self._version += 1
        try:
            out = self.rt.submit(signer, receiver, method, args, deposit, gas)
        except InvalidTransaction as exc:  # rejected before any receipt: nothing moved
            self.trace.append(f"submit  {signer} -> {shown(receiver)}.{shown(method)}: "
                              f"rejected ({shown(str(exc))})")
            return None
        self.ledger.on_submit(signer, receiver, deposit)
        if self.watch is not None:
            self.watch.on_submit(signer, receiver, deposit)
        record = Submitted(signer, receiver, method, args, deposit, gas)
        if self._submitted_now is not None:
            self._submitted_now.append(record)
        self.trace.append(f"submit  {signer} -> {shown(receiver)}.{shown(method)}"
                          f"({_args_text(args)})"
                          + (f" deposit {fmt_near(deposit)}" if deposit else "")
                          + (f" gas {gas / 10**12:g} Tgas" if gas != DEFAULT_GAS else ""))
        return out

    def call_rule(self, spec, kwargs: dict, gas: int | None = None) -> list:
        """Run a rule's body with drawn arguments; returns the transactions it submitted."""
        self._submitted_now = []
        self._gas_override = gas
        try:
            spec.fn(self.machine, **kwargs)
        finally:
            submitted, self._submitted_now = self._submitted_now, None
            self._gas_override = None
        return submitted

    def next_receipt(self) -> NextReceipt | None:
        """What ``step()`` runs next (the runtime's ``next_receipt()``, cached until the
        state changes)."""
        if self._peeked is None or self._peeked[0] != self._version:
            self._peeked = (self._version, self.rt.peek())
        return self._peeked[1]

    def step(self, fault: str | None = None):
        """Run the next receipt, then the refund receipts right behind it; ``fault`` (one of
        FAULT_KINDS) makes the receipt fail that way if it is an external function call
        (``keep_deposit_fail`` only if its receiver is the attacker's).  Returns the
        receipt's outcome (None when idle)."""
        if fault is not None and fault not in FAULT_KINDS:
            raise UsageError(f"step(fault={fault!r}): use one of {FAULT_KINDS!r}")
        nxt = self.next_receipt()
        if fault is not None and not applies(fault, nxt):
            fault = None
        outcome = self._run_one(nxt, fault)
        # refund receipts (predecessor "system") are delivered with the receipt before them:
        # they are not decision points for the explorer
        while True:
            follow = self.next_receipt()
            if follow is None or follow.predecessor != "system":
                break
            self._run_one(follow, None)
        if self.raise_on_violation:
            self._raise_if_violated()
        return outcome

    def _run_one(self, nxt, fault):
        before = None if nxt is None else self.rt.contract_data(nxt.receiver)
        if fault is not None:
            self.rt.arm_fault(fault)
        self._version += 1
        try:
            outcome = self.rt.step()
        finally:
            self.rt.disarm_fault()
        if outcome is None or not hasattr(outcome, "receiver"):
            return outcome
        self.ledger.on_receipt(outcome, None if nxt is None else nxt.refund_to)
        if self.watch is not None:
            produced = set(outcome.produced_hashes)
            sent = [u for u in self.upcoming() if u.receipt_id in produced] \
                if produced else []
            self.watch.on_receipt(outcome, before, sent)
        if not outcome.is_refund:
            self.trace.append("receipt " + describe_receipt(outcome, fault))
        return outcome

    def skip_chunks(self, shard: int, blocks: int = 1) -> None:
        """Shard ``shard`` produces no chunk in the next ``blocks`` blocks (``rt.skip_chunks``):
        its receipts wait while the other shards go on (docs/explorer.md, "Shards")."""
        count = len(self.machine_cls.shards) + 1
        if not isinstance(shard, int) or isinstance(shard, bool) or not 0 <= shard < count:
            raise UsageError(f"skip_chunks({shard!r}): {self.machine_cls.__name__} has "
                             f"{count} shard(s), 0 to {count - 1} (Machine.shards sets them)")
        self._version += 1
        self.rt.skip_chunks(shard, blocks)
        self.trace.append(f"chunk   shard {shard} produces no chunk for {blocks} block(s) "
                          f"(from block {self.rt.height + 1})")

    def finish(self):
        """Run every remaining receipt (no faults), checking invariants after each."""
        count = 0
        while not self.idle() and self.next_receipt() is not None:
            self.step()
            count += 1
            check_runaway(count)
        if self.raise_on_violation:
            self._raise_if_violated()

    def idle(self) -> bool:
        return not self.upcoming()

    def upcoming(self) -> list:
        """``rt.upcoming()``, cached until the state changes."""
        if self._upcoming is None or self._upcoming[0] != self._version:
            self._upcoming = (self._version, self.rt.upcoming())
        return self._upcoming[1]

    # ------------------------------------------------------------------ state
    def snapshot(self):
        return (self.rt.snapshot(), self.ledger.copy(), len(self.trace), self.watch.flows())

    def restore(self, snap) -> None:
        rt_snap, ledger, trace_len, flows = snap
        self.rt.restore(rt_snap)
        self.ledger = ledger.copy()
        self.watch.set_flows(flows)
        self._version += 1
        del self.trace[trace_len:]

    # ------------------------------------------------------------------ invariants
    def credited(self, user: str) -> int:
        total = 0
        for t in self.tracked:
            for item in t.credited:
                if callable(item):
                    total += int(item(self.rt, user))
                else:
                    total += self._view_int(t.account_id, item, t.user_arg, user)
        return total

    def locked(self):
        out = []
        for t in self.tracked:
            if t.locks is None:
                continue
            value = t.locks(self.rt) if callable(t.locks) else self._view(t.account_id, t.locks)
            if value:
                out.append((t.account_id, value))
        return out

    def _fingerprint(self, account_id):
        """The contract's storage content as a hashable value.  The runtime replaces a
        contract's data dict whenever a receipt commits and never mutates it, so the
        fingerprint of one dict object is computed once (the dict is kept alive with it)."""
        data = self.rt.contract_data(account_id)
        if data is None:
            return None
        hit = self._fingerprints.get(id(data))
        if hit is not None and hit[0] is data:
            return hit[1]
        fp = frozenset(data.items())
        if len(self._fingerprints) > 10_000:
            self._fingerprints.clear()
        self._fingerprints[id(data)] = (data, fp)
        return fp

    def _view(self, account_id, method, arg_name=None, arg_value=None):
        """A view's value, cached by the contract's storage CONTENT: the explorer revisits the
        same contract state along many schedules.  Assumes the view reads only storage and
        its arguments (a credited-balance or lock view does; one that reads the block height
        or the balance would need a callable instead)."""
        key = (account_id, method, arg_name, arg_value, self._fingerprint(account_id))
        cache = self._view_cache
        if key in cache:
            return cache[key]
        args = {} if arg_name is None else {arg_name: arg_value}
        try:
            value = self.rt.view(account_id, method, args)
        except ExecutionFailure as exc:
            raise UsageError(f"view {account_id}.{method}({args}) failed: {exc}; the view "
                             "given to track() must answer in every state (fix the view or "
                             "pass a callable)") from None
        if len(cache) > 100_000:
            cache.clear()
        cache[key] = value
        return value

    def _view_int(self, account_id, method, arg_name, user) -> int:
        value = self._view(account_id, method, arg_name, user)
        try:
            return int(value or 0)
        except (TypeError, ValueError):
            raise UsageError(f"view {account_id}.{method}({arg_name}={user!r}) returned "
                             f"{value!r}: a credited balance view must return an int or a "
                             "decimal string") from None

    def check(self) -> Violation | None:
        """The first broken invariant, or None."""
        idle = self.idle()
        builtins = self.settings.builtins if self.tracked else ()
        violation = self._check_builtins(builtins, idle) if builtins else None
        if violation is not None:
            return violation
        found = self.watch.check(idle) if self.watch is not None else None
        if found is not None:
            return Violation(found[0], found[1], idle)
        if self._invariants is None:
            self._invariants = self.machine_cls.invariants()
        for spec in self._invariants:
            if spec.idle_only and not idle:
                continue
            try:
                ok = _call_invariant(spec, self.machine, self.rt)
            except AssertionError as exc:
                return Violation(spec.name, str(exc) or "assertion failed", idle)
            if ok is False:
                return Violation(spec.name, f"{spec.name} returned False", idle)
        return None

    def _check_builtins(self, builtins, idle) -> Violation | None:
        """The built-in invariants depend only on the tracked contracts' storage (through
        their views), the ledger, the deposits in flight and whether the system is idle: the
        last answer is reused while none of those changed (callables given to track() opt out
        of this reuse)."""
        flight = self.ledger.in_flight(self.rt.deposits_in_flight(self.upcoming()))
        if any(callable(i) for t in self.tracked for i in t.credited) or any(
                callable(t.locks) or callable(t.in_flight) for t in self.tracked):
            return self._builtins_now(builtins, idle, flight)
        datas = [self.rt.contract_data(t.account_id) for t in self.tracked]
        key = (idle, tuple(map(id, datas)), tuple(self.ledger.deposited.values()),
               tuple(self.ledger.returned.values()), tuple(flight.values()))
        last = self._last_builtins
        if last is not None and last[0] == key and all(a is b for a, b in zip(last[2], datas)):
            return last[1]
        result = self._builtins_now(builtins, idle, flight)
        self._last_builtins = (key, result, datas)
        return result

    def contract_in_flight(self, user: str):
        """What the tracked contracts hold for ``user`` in unsettled operations, or None if
        some tracked contract does not say (no ``in_flight`` view)."""
        total = 0
        for t in self.tracked:
            if t.in_flight is None:
                return None
            if callable(t.in_flight):
                total += int(t.in_flight(self.rt, user))
            else:
                total += self._view_int(t.account_id, t.in_flight, t.user_arg, user)
        return total

    def _builtins_now(self, builtins, idle, flight) -> Violation | None:
        if "conservation" in builtins or "no_unbacked_credit" in builtins:
            for user in self.users:
                credited = self.credited(user)
                d, r = self.ledger.deposited[user], self.ledger.returned[user]
                have = credited + r
                if "no_unbacked_credit" in builtins and have > d:
                    return Violation(
                        "no_unbacked_credit",
                        f"{user} is credited {fmt_near(credited)} and was paid back "
                        f"{fmt_near(r)}, but deposited only {fmt_near(d)}: "
                        f"{fmt_near(have - d)} came from nowhere", idle)
                if "conservation" not in builtins:
                    continue
                if idle:
                    if have != d:
                        return Violation(
                            "conservation",
                            f"{user} deposited {fmt_near(d)} but is credited "
                            f"{fmt_near(credited)} and was paid back {fmt_near(r)}: "
                            f"{fmt_near(d - have)} lost", idle)
                    continue
                held = self.contract_in_flight(user)
                if held is None:
                    continue  # the contracts do not say what they hold in flight
                moving = flight[user] + held
                if have + moving != d:
                    return Violation(
                        "conservation",
                        f"{user} deposited {fmt_near(d)} but is credited {fmt_near(credited)}, "
                        f"was paid back {fmt_near(r)} and has {fmt_near(moving)} in flight "
                        f"({fmt_near(held)} held by contracts): "
                        f"{fmt_near(d - have - moving)} unaccounted for", idle)
        if "unlocked_when_idle" in builtins and idle:
            locked = self.locked()
            if locked:
                what = "; ".join(f"{acc}: {val!r}" for acc, val in locked)
                return Violation("unlocked_when_idle",
                                 f"nothing is in flight but still locked/pending: {what}", idle)
        return None

    def _raise_if_violated(self):
        violation = self.check()
        if violation is not None:
            raise InvariantViolation(f"invariant {violation.invariant} broken: "
                                     f"{violation.message}\n\n" + self.balances_table()
                                     + "\n\nwhat ran:\n  " + "\n  ".join(self.trace))

    def balances_table(self) -> str:
        lines = []
        for user in self.users:
            try:
                credited = self.credited(user) if self.tracked else 0
            except Exception as exc:  # a view that fails must not hide the report
                credited = 0
                lines.append(f"({user}: credited view failed: {exc})")
            lines.append(self.ledger.row(user, credited))
        if self.watch is not None and self.watch.groups:
            w = self.watch
            lines.append("Every account the explorer acts with (attacker_not_richer: NEAR "
                         "ledgers and claimables included, gas aside):")
            for g in sorted(w.groups, key=lambda g: (g == "attacker", g)):
                gain = w.gain(g)
                who = "attacker accounts" if g == "attacker" else g
                tag = f"  GAIN {fmt_near(gain)}" if gain > 0 else ""
                lines.append(f"{who:<20} paid in {fmt_near(w.paid[g]):>14}   got back "
                             f"{fmt_near(w.got[g]):>14}   owns "
                             f"{fmt_near(gain - w.got[g] + w.paid[g]):>14} more{tag}")
        for account_id, before in getattr(self, "initial_balances", {}).items():
            after = self.rt.balance(account_id)
            lines.append(f"{account_id:<20} contract balance {fmt_near(before)} -> "
                         f"{fmt_near(after)} (gas rewards included)")
        return "\n".join(lines)


def _shard_boundaries(machine_cls) -> tuple:
    """``Machine.shards`` checked: sorted, distinct account-id strings."""
    shards = getattr(machine_cls, "shards", ())
    if not isinstance(shards, (tuple, list)) or not all(isinstance(s, str) and s
                                                        for s in shards) \
            or list(shards) != sorted(set(shards)):
        raise UsageError(f"{machine_cls.__name__}.shards = {shards!r}: give the boundary "
                         "accounts, sorted and distinct, e.g. shards = ('m',) for two shards "
                         "(ids below 'm' on shard 0, the rest on shard 1); () is one shard")
    return tuple(shards)


def _call_invariant(spec, machine, rt):
    import inspect

    if len(inspect.signature(spec.fn).parameters) == 2:
        return spec.fn(machine, rt)
    return spec.fn(machine)


def _args_text(args) -> str:
    if isinstance(args, str):
        return shown(args)
    return ", ".join(f"{shown(k)}={v!r}" for k, v in args.items())


def applies(fault: str, nxt) -> bool:
    """Can ``fault`` be injected into the receipt ``nxt``?  Every fault needs an external
    function call; ``keep_deposit_fail`` also a receiver the attacker controls (an honest
    callee that keeps what it is paid is not a fault)."""
    if nxt is None or not nxt.external:
        return False
    return fault != "keep_deposit_fail" or nxt.hostile
