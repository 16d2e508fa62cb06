"""Shrinking a failing schedule to a minimal one (CPython only).

Greedy passes in the spirit of hypothesis and delta debugging, repeated until none helps (or
the replay budget is spent).  A candidate is kept when replaying it from the initial state
breaks the same invariant.  Passes, simplest first:

1. delete runs of 4, 3, 2 steps, then single steps (walking backwards);
2. a failing delivery: no fault at all, else an earlier fault in FAULT_KINDS order;
3. a rule call: default gas instead of a probed boundary;
4. a rule argument: the simpler values its strategy proposes (user: the first user);
5. a missing chunk: a gap of one block instead of several.
"""

from __future__ import annotations

from ._machine import FAULT_KINDS
from ._schedule import Attack, Call, Deliver, SkipChunks, apply_step, check_runaway

MAX_REPLAYS = 400


def replay(explorer, schedule) -> object:
    """Replay ``schedule`` from the initial state (then run to idle); the first broken
    invariant, or None."""
    run = explorer.run
    run.restore(explorer.root.snap)
    explorer.current = None
    for step in schedule:
        apply_step(run, step, explorer.rules)
        violation = run.check()
        if violation is not None:
            return violation
    count = 0
    while run.next_receipt() is not None:
        run.step()
        count += 1
        check_runaway(count)
        violation = run.check()
        if violation is not None:
            return violation
    return run.check()


def shrink(explorer, schedule, violation):
    budget = [MAX_REPLAYS]
    name = violation.invariant

    def fails(candidate) -> bool:
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        found = replay(explorer, candidate)
        return found is not None and found.invariant == name

    current = list(schedule)
    improved = True
    while improved and budget[0] > 0:
        improved = False
        # 1. delete steps: runs of 4, 3 and 2 first (a call with the deliveries of its
        #    receipts: deleting the call alone shifts every later delivery), then one by one
        for size in (4, 3, 2, 1):
            i = len(current) - size
            while i >= 0:
                candidate = current[:i] + current[i + size:]
                if fails(candidate):
                    current = candidate
                    improved = True
                i = min(i - 1, len(current) - size)
        # 1b. delete a call together with one later plain delivery (the one that ran it)
        i = len(current) - 1
        while i >= 0:
            if i < len(current) and isinstance(current[i], (Call, Attack)):
                for j in range(len(current) - 1, i, -1):
                    if current[j] == Deliver(None):
                        candidate = current[:i] + current[i + 1:j] + current[j + 1:]
                        if fails(candidate):
                            current = candidate
                            improved = True
                            break
            i -= 1
        # 2-4. simplify steps in place
        for i, step in enumerate(current):
            for simpler in _simpler(explorer, step):
                candidate = current[:i] + [simpler] + current[i + 1:]
                if fails(candidate):
                    current = candidate
                    improved = True
                    break
    return current


def _simpler(explorer, step):
    if isinstance(step, SkipChunks) and step.blocks > 1:
        yield SkipChunks(step.shard, 1)
    if isinstance(step, Deliver) and step.fault is not None:
        yield Deliver(None)
        for fault in FAULT_KINDS:
            if fault == step.fault:
                break
            yield Deliver(fault)
    if isinstance(step, Call):
        if step.gas is not None:
            yield Call(step.rule, step.kwargs, None)
        spec = explorer.rules[step.rule]
        kwargs = dict(step.kwargs)
        for name, value in step.kwargs:
            if name == "user":
                options = [u for u in explorer.users if u != value][:1]
                options = [u for u in options if explorer.users.index(u) <
                           explorer.users.index(value)]
            else:
                options = list(spec.strategies[name].simpler(value))
            for option in options:
                changed = dict(kwargs, **{name: option})
                yield Call(step.rule, tuple(sorted(changed.items())), step.gas)
