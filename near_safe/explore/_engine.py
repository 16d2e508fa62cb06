"""The exploration loop: a tree of schedules walked from a seed, with snapshots (CPython only).

Every node of the tree is a system state reached by a schedule prefix; its children are the
choices available there (see ``_choices``):

* deliver the next receipt normally, or, if it is an external function call, make it fail in
  each of the configured ways (``_faults.py``);
* while nothing is running, or while a call between contracts (or a callback waiting for one)
  is in flight, call any rule (arguments drawn from its strategies), also with attached gas at
  the boundaries probed for that rule, and let the attacker replay an observed internal call;
* with several shards (``Machine.shards``), while a receipt is pending: make one shard produce
  no chunk for ``Settings.missing_blocks`` blocks (at most ``Settings.missing_chunks`` times
  per schedule), so receipts to other shards - a callback, a refund - overtake its receipts.

Refund receipts (predecessor ``system``) are delivered as part of the step before them: they
are not decision points (what a user does while its own refund is in flight does not change
what the contracts owe it), which keeps the tree small.

The walk: from the root, at each node prefer a child never tried (drawn at random from the
seed's generator), otherwise descend into a child whose subtree is not exhausted.  A node
keeps its runtime snapshot, so a walk re-executes nothing along known prefixes: it restores
the deepest known node and runs only the new steps.  A schedule is counted each time a walk
reaches a new idle state after at least one rule call.  The first broken invariant stops the
exploration; the schedule is then shrunk (``_shrink.py``) and reported (``_report.py``).
"""

from __future__ import annotations

import json
import random
import time
from collections import deque
from dataclasses import dataclass, field

from ..errors import NearSafeError
from ._faults import ANSWER_FAULTS, ANSWERS
from ._machine import DEFAULT_GAS, TGAS
from ._run import Run, Violation, applies
from ._schedule import (
    Attack,
    Call,
    Deliver,
    Drain,
    SkipChunks,
    apply_step,
    check_runaway,
)

MAX_ATTACKS_PER_NODE = 1  # calls contracts made, replayed by the attacker
MAX_REPLAYS_PER_NODE = 4  # calls users made, replayed against the attacker's contract
MAX_GAS_PROBES = 40
# Snapshots kept at once.  Past it the oldest are dropped; reaching a node without one
# restores its nearest ancestor that has one and re-applies the steps in between (the runtime
# is deterministic, so the state is the same).  Bounds memory on long runs.
MAX_SNAPSHOTS = 20_000


class Node:
    __slots__ = ("parent", "step", "calls", "steps", "snap", "choices", "children",
                 "exhausted", "idle", "skips")

    def __init__(self, parent, step, calls, steps, skips=0):
        self.parent, self.step, self.calls, self.steps = parent, step, calls, steps
        self.skips = skips  # SkipChunks steps on the path
        self.snap = None
        self.choices = ()
        self.children = {}
        self.exhausted = False
        self.idle = False

    def path(self) -> list:
        out, node = [], self
        while node.parent is not None:
            out.append(node.step)
            node = node.parent
        return out[::-1]


@dataclass
class ExploreResult:
    machine: type
    settings: object
    schedules: int
    nodes: int
    receipts: int
    elapsed: float
    exhausted: bool
    violation: Violation | None = None
    schedule: list = field(default_factory=list)  # the (shrunk) failing schedule
    original_length: int = 0
    report: str = ""
    time_to_violation: float | None = None
    # what was tried: {"fault:<kind>": n, "call": n, "gas_variant": n, "attack": n}, and the
    # probed gas boundaries per rule
    tried: dict = field(default_factory=dict)
    gas_points: dict = field(default_factory=dict)
    # receipts a from-scratch replay of every explored schedule would have run (without
    # snapshot reuse); compare with ``receipts``, what was run
    replay_receipts: int = 0
    cpu_seconds: float = 0.0  # process CPU time of the exploration (wall time is ``elapsed``)
    watched: list = field(default_factory=list)  # what the invariants watched, one line each
    mode: str = "wasm"

    @property
    def found(self) -> bool:
        return self.violation is not None

    def raise_on_violation(self):
        if self.violation is not None:
            raise ViolationFound(self.report, self)

    def summary(self) -> str:
        rate = self.schedules / self.elapsed if self.elapsed else 0.0
        head = (f"{self.machine.__name__}: {self.schedules} schedules, {self.nodes} states, "
                f"{self.receipts} receipts in {self.elapsed:.2f} s ({rate:.0f} schedules/s), "
                f"seed={self.settings.seed}")
        if self.mode != "wasm":
            head += f"; {self.mode} mode (CPython): NOT EVIDENCE, verdicts come from Wasm mode"
        if self.violation:
            return head + f"; VIOLATION of {self.violation.invariant}"
        if not self.watched:
            return head + "; WATCHED NOTHING: no invariant applied, so no verdict"
        return head + ("; tree exhausted" if self.exhausted else "; no violation")

    def watching(self) -> str:
        """What the invariants watched, for the terminal."""
        if not self.watched:
            return ("watched: nothing (no @invariant, no track(), no attacker, no near_safe "
                    "ledger, record or claimable seen)")
        return "watched:\n" + "\n".join("  " + line for line in self.watched)


class ViolationFound(NearSafeError, AssertionError):
    """An invariant broke during exploration; the message is the full report."""

    def __init__(self, report: str, result: ExploreResult):
        super().__init__(report)
        self.result = result


class Explorer:
    """One exploration of one machine with one Settings: the tree, the live system and the
    counters.  ``explore()`` runs it; ``explore(machine_cls, **overrides)`` is the shortcut."""

    def __init__(self, machine_cls, settings):
        machine_cls._require_rules()  # before the runtime starts: nothing to explore
        self.machine_cls = machine_cls
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.rules = {spec.name: spec for spec in machine_cls.rules()}
        self.run = Run.start(machine_cls, settings, raise_on_violation=False)
        self.root = Node(None, None, 0, 0)
        self.root.snap = self.run.snapshot()
        self.snapped = deque()  # nodes holding a snapshot, oldest first (root excluded)
        self.current = self.root  # the node whose state the runtime holds (None: unknown)
        self.nodes = 1
        self.receipts = 0
        self.schedules = 0
        self.gas_points = {}  # rule name -> [gas values] probed at the boundaries
        self.tried = {}
        self.replay_receipts = 0
        self.users = tuple(u for u in self.run.users if u != machine_cls.attacker
                           or not settings.attacker)

    # ---------------------------------------------------------------- the loop
    def explore(self) -> ExploreResult:
        started = time.perf_counter()
        cpu_started = time.process_time()
        violation = self.run.check()
        path = []
        if violation is None:
            self.root.choices = self._choices(self.root)
            if not self.root.choices:
                self.root.exhausted = True
        deadline = (started + self.settings.time_limit) if self.settings.time_limit else None
        while violation is None and not self.root.exhausted:
            if self.schedules >= self.settings.budget:
                break
            if deadline is not None and time.perf_counter() > deadline:
                break
            violation, path = self._walk()
        elapsed = time.perf_counter() - started
        result = ExploreResult(self.machine_cls, self.settings, self.schedules, self.nodes,
                               self.receipts, elapsed, self.root.exhausted and violation is None,
                               violation, tried=dict(self.tried),
                               replay_receipts=self.replay_receipts,
                               cpu_seconds=time.process_time() - cpu_started,
                               gas_points=dict(self.gas_points),
                               watched=self.watched(),
                               mode=getattr(self.machine_cls, "mode", "wasm"))
        if violation is not None:
            result.time_to_violation = elapsed
            result.original_length = len(path)
            from ._report import report
            from ._shrink import shrink

            schedule = shrink(self, path, violation) if self.settings.shrink else path
            result.schedule = schedule
            result.violation, result.report = report(self, schedule, violation, result)
        return result

    def watched(self) -> list:
        """One line per invariant that applied to this exploration."""
        out = [f"@invariant {spec.name}" for spec in self.machine_cls.invariants()]
        if self.run.tracked:
            names = ", ".join(t.account_id for t in self.run.tracked)
            out += [f"{b} (tracked: {names})" for b in self.settings.builtins]
            out += ["reads " + c.watch_text for t in self.run.tracked for c in t.credited
                    if getattr(c, "watch_text", None)]
        return out + self.run.watch.describe()

    def _walk(self):
        node = self.root
        while True:
            if not node.choices:
                node.exhausted = True
                self._propagate(node)
                return None, []
            untried = [c for c in node.choices if c not in node.children]
            if untried:
                choice = untried[self.rng.randrange(len(untried))]
                child, violation = self._expand(node, choice)
                if violation is not None:
                    return violation, child.path()
                node = child
                continue
            live = [c for c in node.choices if not node.children[c].exhausted]
            if not live:  # pragma: no cover - exhaustion is propagated eagerly
                node.exhausted = True
                self._propagate(node)
                return None, []
            node = node.children[live[self.rng.randrange(len(live))]]

    def _propagate(self, node):
        parent = node.parent
        while parent is not None:
            if len(parent.children) < len(parent.choices):
                return
            if not all(c.exhausted for c in parent.children.values()):
                return
            parent.exhausted = True
            if parent.parent is not None:
                parent.snap = None  # never restored again: free it
            parent = parent.parent

    def _goto(self, node: Node) -> None:
        """Put the runtime in ``node``'s state: restore its snapshot, or its nearest
        ancestor's and re-apply the steps in between."""
        path = []
        while node.snap is None:
            path.append(node.step)
            node = node.parent
        self.run.restore(node.snap)
        for step in reversed(path):
            apply_step(self.run, step, self.rules)

    def _keep_snapshot(self, node: Node) -> None:
        node.snap = self.run.snapshot()
        self.snapped.append(node)
        while len(self.snapped) > MAX_SNAPSHOTS:
            self.snapped.popleft().snap = None

    def _expand(self, parent: Node, choice):
        if self.current is not parent:
            self._goto(parent)
        calls = parent.calls + (1 if isinstance(choice, (Call, Attack)) else 0)
        child = Node(parent, choice, calls, parent.steps,
                     parent.skips + isinstance(choice, SkipChunks))
        parent.children[choice] = child
        self.nodes += 1
        for kind in _kinds(choice):
            self.tried[kind] = self.tried.get(kind, 0) + 1
        violation = self._apply(child, choice)
        self.current = child
        if violation is not None:
            return child, violation
        child.choices = self._choices(child)
        if child.choices:
            self._keep_snapshot(child)
        else:
            child.exhausted = True
            self._propagate(child)
        return child, None

    def _apply(self, node: Node, step) -> Violation | None:
        """Run one step, then the refunds it released; check invariants after each receipt."""
        run = self.run
        if isinstance(step, Deliver):
            did = apply_step(run, step, self.rules)
            if did[0] == "step":
                self.receipts += 1
                node.steps += 1
                violation = run.check()
                if violation is not None:
                    return violation
        elif isinstance(step, Drain):
            count = 0
            while run.next_receipt() is not None:
                run.step()
                self.receipts += 1
                count += 1
                check_runaway(count)
                violation = run.check()
                if violation is not None:
                    return violation
        else:
            apply_step(run, step, self.rules)
        violation = run.check()
        node.idle = run.idle()
        if node.idle and node.calls:
            self.schedules += 1
            self.replay_receipts += node.steps
        return violation

    # ---------------------------------------------------------------- choices
    def _choices(self, node: Node) -> tuple:
        run, settings = self.run, self.settings
        nxt = run.next_receipt()
        if nxt is not None and node.steps >= settings.max_steps:
            return (Drain(),)
        out = []
        if nxt is not None:
            out.append(Deliver(None))
            if nxt.external:
                for fault in settings.faults:
                    if fault == "bad_answer":
                        picks = self.rng.sample(ANSWER_FAULTS,
                                                min(settings.answers, len(ANSWER_FAULTS)))
                        out += [Deliver(f) for f in picks]
                    elif applies(fault, nxt):
                        out.append(Deliver(fault))
        if nxt is not None and node.skips < settings.missing_chunks:
            out += [SkipChunks(shard, settings.missing_blocks)
                    for shard in range(len(self.machine_cls.shards) + 1)
                    if self.machine_cls.shards]
        if node.calls < settings.depth and (
                nxt is None or run.rt.in_flight_cross_contract(run.upcoming())):
            out += self._rule_choices(node)
            if settings.attacker and self.machine_cls.attacker:
                out += self._attack_choices()
        # dict.fromkeys: drop duplicates (two rules drawing the same call), keep order
        return tuple(dict.fromkeys(out))

    def _rule_choices(self, node: Node) -> list:
        out = []
        for spec in self.rules.values():
            pre = self.machine_cls.precondition_of(spec)
            if pre is not None and not _call_pre(pre, self.run.machine, self.run.rt):
                continue
            for _ in range(self.settings.draws):
                kwargs = self._draw(spec)
                out.append(Call(spec.name, kwargs, None))
                if self.settings.gas_variants:
                    points = self._gas_points(spec, kwargs)
                    if points:  # one boundary per rule and state, drawn: a narrower tree
                        out.append(Call(spec.name, kwargs,
                                        points[self.rng.randrange(len(points))]))
        return out

    def _draw(self, spec) -> tuple:
        kwargs = {}
        if spec.wants_user:
            kwargs["user"] = self.users[self.rng.randrange(len(self.users))]
        for name, strategy in spec.strategies.items():
            kwargs[name] = strategy.draw(self.rng)
        return tuple(sorted(kwargs.items()))

    def _attack_choices(self) -> list:
        """What the attacker may do here (at most one of each, drawn with the seed):

        1. send a call it saw a contract make (a callback, a cross-contract call), with every
           user replaced by itself and amounts sometimes multiplied (a public callback);
        2. do what a user did, with the same deposit, naming its own hostile contract where
           the user named a contract (a callee chosen by the caller);
        3. call a method users or contracts call with a bad argument: a JSON bomb, 1e400, a
           string with raw control characters, ``\\x41``, a lone surrogate, or no JSON;
        4. drive a method that makes the contract call itself with a caller-chosen method
           (a relay: multicall, batch, DAO-style self-call) to call one of the contract's
           own callbacks with arguments it saw (another user's operation number included)."""
        rt, rng = self.run.rt, self.rng
        attacker = self.machine_cls.attacker
        users = set(self.users)
        hostile = sorted(rt.hostile)
        contracts = set(self.run.watch.contracts)
        out = []
        observed = list(rt.observed.values())
        picks = observed if len(observed) <= MAX_ATTACKS_PER_NODE else \
            rng.sample(observed, MAX_ATTACKS_PER_NODE)
        for obs in picks:
            out.append(Attack(obs.receiver, obs.method,
                              _hijack(obs.args, users, attacker, rng)))
        entries = [e for e in rt.entries.values() if e[0] not in rt.hostile]
        if entries and hostile:
            picks = entries if len(entries) <= MAX_REPLAYS_PER_NODE else \
                rng.sample(entries, MAX_REPLAYS_PER_NODE)
            for receiver, method, args, deposit in picks:
                out.append(Attack(receiver, method,
                                  _hijack(args, users, attacker, rng, contracts - {receiver},
                                          hostile[0]), deposit))
        targets = [(e[0], e[1], e[2]) for e in entries] + [
            (o.receiver, o.method, o.args) for o in observed]
        if targets:
            receiver, method, args = targets[rng.randrange(len(targets))]
            out.append(Attack(receiver, method, _poison(args, rng)))
        relays = list(rt.relays.values())
        if relays:
            relay = relays[rng.randrange(len(relays))]
            own = [o for o in observed if o.receiver == relay.contract
                   and o.predecessor == relay.contract and o.method != relay.inner]
            if own:
                cb = own[rng.randrange(len(own))]
                args = _relay_args(relay, cb.method, _hijack(cb.args, users, attacker, rng))
                if args is not None:
                    out.append(Attack(relay.contract, relay.entry, args, relay.deposit))
        return out

    # ---------------------------------------------------------------- gas boundaries
    def _gas_points(self, spec, kwargs) -> list:
        """Attached-gas values around the boundaries of ``spec``, probed once per rule from
        the initial state with the first arguments drawn (an approximation: the boundary of a
        later state or other arguments may differ slightly).

        ``entry``: the least gas (1 Tgas steps) at which the transaction's first receipt
        succeeds; ``full``: the least at which no receipt of its tree fails.  Between the two,
        the method accepted the call but something after it ran short (a starved callback):
        the points tried are just below ``entry``, ``entry``, and the middle of the gap."""
        if spec.name in self.gas_points:
            return self.gas_points[spec.name]
        self.gas_points[spec.name] = []  # re-entrancy guard while probing
        saved = self.run.snapshot()
        try:
            points = self._probe(spec, kwargs)
        finally:
            self.run.restore(saved)
        self.gas_points[spec.name] = points
        return points

    def _probe(self, spec, kwargs) -> list:
        run, root = self.run, self.root
        probes = [0]

        def trial(gas):
            probes[0] += 1
            run.restore(root.snap)
            submitted = run.call_rule(spec, dict(kwargs), gas)
            if not submitted:
                return None
            outcomes = [o for o in run.rt.run() if not o.is_refund]
            self.receipts += len(outcomes)
            if not outcomes:
                return None
            return outcomes[0].succeeded, all(o.succeeded for o in outcomes)

        first = trial(DEFAULT_GAS)
        if first is None or not first[1]:
            return []  # the rule does not complete from the initial state: no boundary to find

        def least(ok_index, lo, hi):
            # least gas in (lo, hi] (Tgas steps) with trial()[ok_index] true; hi is known true
            while hi - lo > TGAS and probes[0] < MAX_GAS_PROBES:
                mid = (lo + hi) // 2 // TGAS * TGAS
                if mid <= lo:
                    break
                res = trial(mid)
                if res is not None and res[ok_index]:
                    hi = mid
                else:
                    lo = mid
            return hi

        entry = least(0, 0, DEFAULT_GAS)
        full = least(1, entry - TGAS, DEFAULT_GAS)
        points = [entry]
        if entry > TGAS:
            points.insert(0, entry - TGAS)
        if full - entry > TGAS:
            points.append((entry + full) // 2 // TGAS * TGAS)
        return list(dict.fromkeys(p for p in points if p != DEFAULT_GAS))


def _kinds(choice) -> tuple:
    if isinstance(choice, Deliver):
        if not choice.fault:
            return ("deliver",)
        if choice.fault.startswith("answer:"):
            return (f"fault:{choice.fault}", "fault:bad_answer")
        return (f"fault:{choice.fault}",)
    if isinstance(choice, Call):
        return ("gas_variant" if choice.gas is not None else "call",)
    if isinstance(choice, Attack):
        return ("attack",)
    if isinstance(choice, SkipChunks):
        return ("missing_chunk",)
    return ("drain",)


def _call_pre(pre, machine, rt):
    import inspect

    if len(inspect.signature(pre).parameters) >= 2:
        return pre(machine, rt)
    return pre(machine)


def _hijack(args: bytes, users: set, attacker: str, rng, contracts=(), hostile=None) -> str:
    """The observed call's arguments with every user account replaced by the attacker, every
    account in ``contracts`` by ``hostile`` (and, half the time, amounts multiplied by 10):
    what an outsider would try."""
    try:
        data = json.loads(args or b"{}")
    except ValueError:
        return args.decode("utf-8", "replace")
    scale = 10 if rng.random() < 0.5 else 1

    def walk(v):
        if isinstance(v, str):
            if v in users:
                return attacker
            if hostile is not None and v in contracts:
                return hostile
            if v.isdigit() and len(v) > 6:
                return str(int(v) * scale)
            return v
        if isinstance(v, bool):
            return v
        if isinstance(v, int) and v > 10**6:
            return v * scale
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        return v

    return json.dumps(walk(data), sort_keys=True)


#: Bad values the attacker puts in one argument (raw JSON text), and whole bad bodies.
BAD_VALUES = ("1e400", ANSWERS["control_chars"].decode(), ANSWERS["bad_escape"].decode(),
              ANSWERS["lone_surrogate"].decode(), ANSWERS["bomb"].decode().rstrip(),
              ANSWERS["bomb_small"].decode().rstrip())
BAD_BODIES = (ANSWERS["bomb"].decode(), ANSWERS["text"].decode(), "", "1e400",
              '{"x": 1e400}')


def _poison(args: bytes, rng) -> str:
    """``args`` with one value replaced by a bad one (or, without a JSON object to change,
    a bad body): what the attacker feeds a method (issue 11)."""
    try:
        data = json.loads(args or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict) or not data or rng.random() < 0.25:
        return BAD_BODIES[rng.randrange(len(BAD_BODIES))]
    keys = sorted(data)
    target = keys[rng.randrange(len(keys))]
    bad = BAD_VALUES[rng.randrange(len(BAD_VALUES))]
    return "{" + ", ".join(json.dumps(k) + ": " + (bad if k == target else json.dumps(data[k]))
                           for k in keys) + "}"


def _relay_args(relay, method: str, args: str):
    """The relay's entry arguments with its inner method replaced by ``method`` and the
    inner arguments (a JSON object, or a JSON string holding one) by ``args``."""
    try:
        data = json.loads(relay.args or b"{}")
        inner = json.loads(relay.inner_args or b"{}")
        new_inner = json.loads(args)
    except ValueError:
        return None
    inner_text = relay.inner_args.decode("utf-8", "replace")

    def walk(v, top=False):
        if isinstance(v, str):
            if v == relay.inner:
                return method
            if v == inner_text or (v.strip().startswith("{") and _loads(v) == inner):
                return json.dumps(new_inner)
            return v
        if isinstance(v, dict):
            if v == inner and not top:
                return new_inner
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return json.dumps(walk(data, True), sort_keys=True)


def _loads(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def explore(machine_cls, **overrides) -> ExploreResult:
    """Explore ``machine_cls`` with its settings, overridden by keyword arguments."""
    settings = machine_cls.settings.replace(**overrides)
    return Explorer(machine_cls, settings).explore()
