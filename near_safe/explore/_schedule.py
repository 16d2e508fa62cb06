"""Schedules: what the explorer does, one step at a time (CPython only).

A schedule is a list of steps, applied to a fresh system (users created, ``setup`` done):

  Call(rule, kwargs, gas)   run a rule's body: it submits one or more transactions
  Attack(receiver, method, args)   the attacker account sends a call it saw a contract make
  Deliver(fault)            run the next receipt; ``fault`` makes an external call fail
  Drain()                   run everything left, without faults
  SkipChunks(shard, blocks) shard ``shard`` produces no chunk in the next ``blocks`` blocks
                            (``rt.skip_chunks``): its receipts wait while other shards go on

Replaying a schedule is robust to the shrinker deleting steps: a Deliver with nothing to run
does nothing, and a fault aimed at a receipt that is not an external call is dropped.  After
the last step the replay runs to idle, so a schedule never needs trailing Delivers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._text import shown


@dataclass(frozen=True)
class Call:
    rule: str
    kwargs: tuple  # sorted (name, value) pairs: hashable, printable
    gas: int | None = None

    def describe(self) -> str:
        args = ", ".join(f"{shown(k)}={v!r}" for k, v in self.kwargs)
        gas = f" with {self.gas / 10**12:g} Tgas" if self.gas is not None else ""
        return f"rule {shown(self.rule)}({args}){gas}"


@dataclass(frozen=True)
class Attack:
    receiver: str
    method: str
    args: str  # the argument bytes as text (JSON, or deliberately not)
    deposit: int = 0

    def describe(self) -> str:
        dep = f" with {self.deposit} yoctoNEAR" if self.deposit else ""
        return (f"attacker calls {shown(self.receiver)}.{shown(self.method)}"
                f"({shown(self.args)}){dep}")


@dataclass(frozen=True)
class Deliver:
    fault: str | None = None

    def describe(self) -> str:
        return "deliver next receipt" + (f" failing it ({self.fault})" if self.fault else "")


@dataclass(frozen=True)
class SkipChunks:
    shard: int
    blocks: int

    def describe(self) -> str:
        return f"shard {self.shard} produces no chunk for {self.blocks} block(s)"


@dataclass(frozen=True)
class Drain:
    def describe(self) -> str:
        return "run the rest"


def apply_step(run, step, rules: dict):
    """Apply one step to ``run``; returns what it did, for the printed test:
    ('submit', [Submitted...]) or ('step', fault_or_None, NextReceipt) or
    ('skip', shard, blocks) or ('noop',)."""
    if isinstance(step, Call):
        spec = rules[step.rule]
        return ("submit", run.call_rule(spec, dict(step.kwargs), step.gas))
    if isinstance(step, Attack):
        attacker = run.machine_cls.attacker
        from ._machine import DEFAULT_GAS, Submitted

        done = run.submit(attacker, step.receiver, step.method, step.args, step.deposit)
        sub = [Submitted(attacker, step.receiver, step.method, step.args, step.deposit,
                         DEFAULT_GAS)] if done is not None else []
        return ("submit", sub)
    if isinstance(step, Deliver):
        nxt = run.next_receipt()
        if nxt is None:
            return ("noop",)
        from ._run import applies

        fault = step.fault if step.fault and applies(step.fault, nxt) else None
        run.step(fault)
        return ("step", fault, nxt)
    if isinstance(step, SkipChunks):
        run.skip_chunks(step.shard, step.blocks)
        return ("skip", step.shard, step.blocks)
    if isinstance(step, Drain):
        done = []
        while True:
            nxt = run.next_receipt()
            if nxt is None:
                return ("drain", done)
            run.step()
            done.append(nxt)
            check_runaway(len(done))
    raise TypeError(step)


MAX_DRAIN = 10_000


def check_runaway(count: int) -> None:
    """A drain that never ends means contracts keep calling each other: say so instead of
    hanging."""
    if count >= MAX_DRAIN:
        from ..errors import NearSafeError

        raise NearSafeError(f"{count} receipts ran without the system becoming idle: a "
                            "contract keeps calling itself (or another contract) forever")
