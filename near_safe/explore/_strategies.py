"""Argument strategies for explorer rules (CPython only).

A strategy draws a value from a seeded :class:`random.Random` and proposes simpler values for
the shrinker.  They are deliberately tiny (not hypothesis strategies): the explorer needs
values that are a pure function of (seed, position in the schedule tree) so that a schedule is
replayable from its seed alone, and drawing from hypothesis outside its engine is neither
deterministic nor cheap.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .._units import NEAR, TGAS  # noqa: F401  (re-exported to the explorer's modules)
from ..errors import UsageError


class Strategy:
    """Base class: ``draw(rng)`` returns a value, ``simpler(value)`` yields candidates that are
    simpler (the shrinker keeps the first one that still shows the violation)."""

    def draw(self, rng: random.Random) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def simpler(self, value: Any) -> Iterable[Any]:
        return ()

    def __repr__(self) -> str:
        return type(self).__name__


class SampledFrom(Strategy):
    def __init__(self, values: Sequence[Any]):
        values = list(values)
        if not values:
            raise UsageError("sampled_from() got an empty sequence: give at least one value")
        self.values = values

    def draw(self, rng):
        return self.values[rng.randrange(len(self.values))]

    def simpler(self, value):
        # earlier values are simpler (the user lists the plain case first)
        for v in self.values:
            if v == value:
                return
            yield v

    def __repr__(self):
        return f"sampled_from({self.values!r})"


class Integers(Strategy):
    """Integers in [lo, hi]; half the draws hit a boundary (lo, lo+1, hi-1, hi), where
    off-by-one bugs live."""

    def __init__(self, lo: int, hi: int):
        if lo > hi:
            raise UsageError(f"integers({lo}, {hi}): the lower bound is above the upper bound; "
                             "swap them")
        self.lo, self.hi = lo, hi

    def draw(self, rng):
        if rng.random() < 0.5:
            edges = sorted({self.lo, min(self.lo + 1, self.hi), max(self.hi - 1, self.lo), self.hi})
            return edges[rng.randrange(len(edges))]
        return rng.randint(self.lo, self.hi)

    def simpler(self, value):
        if value != self.lo:
            yield self.lo
            mid = (self.lo + value) // 2
            if mid not in (self.lo, value):
                yield mid

    def __repr__(self):
        return f"integers({self.lo}, {self.hi})"


class Just(Strategy):
    def __init__(self, value):
        self.value = value

    def draw(self, rng):
        return self.value

    def __repr__(self):
        return f"just({self.value!r})"


class Mapped(Strategy):
    def __init__(self, base: Strategy, fn: Callable[[Any], Any]):
        self.base, self.fn = base, fn

    def draw(self, rng):
        return self.fn(self.base.draw(rng))


def sampled_from(values: Sequence[Any]) -> Strategy:
    return SampledFrom(values)


def integers(lo: int, hi: int) -> Strategy:
    return Integers(lo, hi)


def just(value: Any) -> Strategy:
    return Just(value)


def amounts(*near_amounts, yocto: bool = False) -> Strategy:
    """Deposits or amounts in yoctoNEAR: ``amounts(1, 5, 10)`` draws 1, 5 or 10 NEAR (as ints
    in yoctoNEAR).  ``yocto=True`` takes the values as yoctoNEAR already."""
    if not near_amounts:
        near_amounts = (1, 10)
    scale = 1 if yocto else NEAR
    return SampledFrom([int(a * scale) for a in near_amounts])


def as_strategy(value: Any) -> Strategy:
    """A rule argument given as a plain value or a list is turned into a strategy."""
    if isinstance(value, Strategy):
        return value
    if isinstance(value, (list, tuple)):
        return SampledFrom(value)
    return Just(value)
