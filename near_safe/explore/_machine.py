"""The user-facing half of the explorer: :class:`Machine`, ``@rule``, ``@invariant``,
``@precondition`` and :class:`Settings` (CPython only).

Modelled on hypothesis's ``RuleBasedStateMachine``: rules and invariants are plain decorated
methods, and the decorators check their own use when they are applied (a rule parameter with
no strategy, an invariant that takes arguments) so mistakes surface at import time with the fix
in the message.  Unlike hypothesis, a rule does not act immediately: it *submits* transactions
(``self.submit``) and the explorer decides when their receipts run, which is what lets it put
other actions between a cross-contract call and its callback.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass

from .._units import NEAR, TGAS  # noqa: F401
from ..errors import UsageError
from ._faults import ANSWER_FAULTS
from ._strategies import Strategy, as_strategy
from ._watch import BUILTIN_WATCHES

DEFAULT_GAS = 300 * TGAS

#: The ways the explorer makes an external receipt fail or misbehave (docs/explorer.md):
#: the protocol's failures, a hostile callee that keeps the deposit and returns a failing
#: promise, and answers a callback must survive (``bad_answer``: every kind in ANSWERS).
FAULTS = ("panic", "out_of_gas", "missing_account", "missing_method", "oversized_result",
          "keep_deposit_fail", "bad_answer")
#: Faults that can be switched on in Settings.faults but are not on by default.
EXTRA_FAULTS = ("large_result",)
#: Every concrete fault a schedule step can carry, simplest first (the shrinker's order).
FAULT_KINDS = FAULTS[:-1] + ANSWER_FAULTS + EXTRA_FAULTS

#: Built-in invariants, switched on by ``Machine.track`` (names usable in Settings.builtins).
BUILTINS = ("conservation", "no_unbacked_credit", "unlocked_when_idle")
#: Built-in invariants that need no naming convention (Settings.watch; see _watch.py).
WATCHES = BUILTIN_WATCHES

_RULE = "_near_explore_rule"
_INVARIANT = "_near_explore_invariant"
_PRECONDITION = "_near_explore_precondition"

_BOTH = ("{0} is both a rule and an invariant: a rule acts (submits transactions) and an "
         "invariant only checks; split it into two methods, one with @rule(...) and one with "
         "@invariant()")
_PRE_ON_INVARIANT = ("@precondition on the invariant {0}: preconditions gate rules only; in "
                     "the invariant, return True early where it does not apply")
#: Which marks a decorator refuses to join on one method, checked in this order:
#: (decorator being applied, mark the method already carries) -> message ({0}: the method).
#: A @precondition on a method no @rule decorates is refused by Machine.__init_subclass__.
_CONFLICTS = {
    ("rule", _RULE): ("@rule twice on {0}: a method takes one @rule; merge them into one "
                      "@rule, giving a parameter several values with a list or "
                      "sampled_from([...]), or write two methods"),
    ("rule", _INVARIANT): _BOTH,
    ("invariant", _RULE): _BOTH,
    ("invariant", _INVARIANT): ("@invariant twice on {0}: keep one "
                                "(@invariant(idle_only=True) if it holds only when idle)"),
    ("invariant", _PRECONDITION): _PRE_ON_INVARIANT,
    ("precondition", _INVARIANT): _PRE_ON_INVARIANT,
    ("precondition", _PRECONDITION): ("@precondition twice on {0}: a rule takes one "
                                      "precondition; combine them into one predicate, e.g. "
                                      "@precondition(lambda self, rt: a(self, rt) and "
                                      "b(self, rt))"),
}


def _refuse_conflicts(decorator: str, fn) -> None:
    """Raise the first of _CONFLICTS that applying @decorator to ``fn`` runs into."""
    for (applied, mark), message in _CONFLICTS.items():
        if applied == decorator and hasattr(fn, mark):
            raise UsageError(message.format(fn.__qualname__))


@dataclass(frozen=True)
class Settings:
    """How far and how long to explore.

    depth       rule calls (transactions) per schedule
    budget      schedules (root-to-idle paths) to explore before giving up
    max_steps   receipts per schedule; past it the rest runs without faults
    seed        every choice and every drawn argument is a function of this seed
    faults      which failures to inject into external receipts (subset of FAULTS)
    draws       argument sets drawn per rule at each state (more: wider tree, fewer missed
                combinations of user and amount at a given point)
    gas_variants  also try each rule with attached gas at the boundaries found by probing
    attacker    add a rule that replays observed internal calls (callbacks) from an outsider
    builtins    built-in invariants to check for tracked contracts (subset of BUILTINS)
    watch       built-in invariants that need no naming convention (subset of WATCHES)
    answers     bad answers tried per external receipt (drawn from ANSWERS with the seed)
    shrink      shrink a found violation to a minimal schedule
    time_limit  seconds; None = no limit (the budget alone bounds the run)
    large_bytes size of the result the opt-in ``large_result`` fault returns
    memo        reuse the outcome of a function call already run with the same code, method,
                context and storage (see _faults.py; changes no result, only the time)
    missing_chunks  with several shards (``Machine.shards``): how many times per schedule the
                explorer may make one shard produce no chunk (0: never)
    missing_blocks  how many blocks each such gap lasts (its receipts wait, other shards go on)
    """

    depth: int = 3
    budget: int = 1000
    max_steps: int = 40
    seed: int = 0
    faults: tuple = FAULTS
    draws: int = 1
    gas_variants: bool = True
    attacker: bool = True
    builtins: tuple = BUILTINS
    watch: tuple = BUILTIN_WATCHES
    answers: int = 2
    shrink: bool = True
    time_limit: float | None = None
    large_bytes: int = 64 * 1024
    memo: bool = True
    missing_chunks: int = 1
    missing_blocks: int = 2

    def __post_init__(self):
        for name in ("depth", "budget", "max_steps", "draws", "answers", "missing_blocks"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"Settings.{name}={value!r}: must be a positive int")
        if not isinstance(self.missing_chunks, int) or isinstance(self.missing_chunks, bool) \
                or self.missing_chunks < 0:
            raise UsageError(f"Settings.missing_chunks={self.missing_chunks!r}: must be an int "
                             ">= 0 (0: no shard ever misses a chunk)")
        unknown = [f for f in self.faults if f not in FAULTS + EXTRA_FAULTS + FAULT_KINDS]
        if unknown:
            raise UsageError(f"Settings.faults has unknown fault(s) {unknown!r}: use any of "
                             f"{FAULTS + EXTRA_FAULTS!r} (or one answer, e.g. "
                             f"{ANSWER_FAULTS[0]!r})")
        unknown = [b for b in self.builtins if b not in BUILTINS]
        if unknown:
            raise UsageError(f"Settings.builtins has unknown invariant(s) {unknown!r}: use any "
                             f"of {BUILTINS!r}")
        unknown = [b for b in self.watch if b not in BUILTIN_WATCHES]
        if unknown:
            raise UsageError(f"Settings.watch has unknown invariant(s) {unknown!r}: use any "
                             f"of {BUILTIN_WATCHES!r}")

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


@dataclass(frozen=True)
class RuleSpec:
    name: str
    fn: Callable
    strategies: dict  # parameter name -> Strategy
    wants_user: bool


@dataclass(frozen=True)
class InvariantSpec:
    name: str
    fn: Callable
    idle_only: bool


def rule(**strategies) -> Callable:
    """Mark a method as a user action.  Keyword arguments give a strategy (or a list of values,
    or a constant) per parameter; a parameter named ``user`` is drawn from the machine's users.
    The method submits transactions with ``self.submit(...)``."""
    strategies = {k: as_strategy(v) for k, v in strategies.items()}

    def decorate(fn):
        if not callable(fn):
            raise UsageError("@rule(...) must decorate a method: write @rule(amount=...) "
                             "above `def name(self, ...)`")
        _refuse_conflicts("rule", fn)
        signature = inspect.signature(fn).parameters
        params = list(signature)
        if not params or params[0] != "self":
            raise UsageError(f"@rule on {fn.__qualname__}: the first parameter must be `self`")
        wants_user = "user" in params[1:]
        extra = [k for k in strategies if k not in params]
        if extra:
            raise UsageError(f"@rule on {fn.__qualname__}: strategies {extra} name no "
                             f"parameter of the method; its parameters are {params[1:]}")
        missing = [p for p in params[1:] if p != "user" and p not in strategies
                   and signature[p].default is inspect.Parameter.empty]
        if missing:
            raise UsageError(
                f"@rule on {fn.__qualname__}: parameter(s) {missing} have no strategy; give "
                f"one, e.g. @rule({missing[0]}=amounts(1, 10)) or @rule({missing[0]}=[1, 2])")
        setattr(fn, _RULE, RuleSpec(fn.__name__, fn, strategies, wants_user))
        return fn

    if strategies.get("__fn__") is not None:  # pragma: no cover - defensive
        raise UsageError("@rule takes keyword strategies only")
    return decorate


def invariant(idle_only: bool = False) -> Callable:
    """Mark a method ``(self, rt)`` as an invariant: it returns False or raises AssertionError
    when violated.  ``idle_only=True`` checks it only when no receipt is in flight."""
    if callable(idle_only):
        raise UsageError("write @invariant() with parentheses (or @invariant(idle_only=True))")

    def decorate(fn):
        _refuse_conflicts("invariant", fn)
        params = list(inspect.signature(fn).parameters)
        if params not in (["self"], ["self", "rt"]):
            raise UsageError(f"@invariant on {fn.__qualname__}: takes (self) or (self, rt), "
                             f"not {params}")
        setattr(fn, _INVARIANT, InvariantSpec(fn.__name__, fn, idle_only))
        return fn

    return decorate


def precondition(predicate: Callable) -> Callable:
    """``@precondition(lambda self, rt: ...)`` above a @rule: the rule is offered only where
    the predicate holds."""
    if not callable(predicate):
        raise UsageError("@precondition takes a function (self, rt) -> bool")

    def decorate(fn):
        _refuse_conflicts("precondition", fn)
        # Whether fn is a rule is known only when the class statement ends (@rule may sit
        # above this decorator): Machine.__init_subclass__ refuses a precondition on a non-rule.
        setattr(fn, _PRECONDITION, predicate)
        return fn

    return decorate


@dataclass
class Tracked:
    """A contract the built-in invariants watch (see Machine.track)."""

    account_id: str
    credited: tuple  # view method names (or callables (rt, user) -> int) summed per user
    locks: object | None  # view method name / callable (rt) -> collection, or None
    user_arg: str
    in_flight: object | None = None  # view name / callable (rt, user) -> int, or None


@dataclass
class Submitted:
    """One transaction a rule submitted, as the explorer records it for the printed test."""

    signer: str
    receiver: str
    method: str
    args: dict
    deposit: int
    gas: int


class Machine:
    """Subclass this.  Class attributes:

    users      {account id: NEAR balance}: the accounts that act (created before ``setup``)
    attacker   an outsider account for the built-in attacker rule (None disables it)
    settings   a :class:`Settings`
    mode       runtime mode, "wasm" (default) or "python"
    protocol   the NEAR protocol version the runtime models (None: the default, mainnet's;
               docs/protocol.md section 8)
    shards     the shard layout's boundary accounts (``Config.shard_boundaries``, sorted; ()
               is one shard, the default): with several shards, a receipt to another shard
               arrives in a later block, and the explorer also tries schedules where a shard
               produces no chunk for ``Settings.missing_blocks`` blocks (docs/explorer.md,
               "Shards and missing chunks")

    Override ``setup(self, rt)`` to deploy contracts and call ``self.track(...)``; write rules
    with ``@rule`` and invariants with ``@invariant``.  Keep the system's state in the runtime,
    not on ``self``: the explorer restores runtime snapshots to revisit schedule prefixes and
    does not restore Python attributes set by rules.
    """

    users: dict = {"alice.near": 100, "bob.near": 100}
    attacker: str | None = "mallory.near"
    attacker_balance: int = 100
    #: the attacker's own contract (a hostile counterpart the attacker names where the
    #: contracts take an account); None: ``"hostile." + attacker``
    hostile: str | None = None
    settings: Settings = Settings()
    mode: str = "wasm"
    protocol: int | None = None
    shards: tuple = ()

    # --------------------------------------------------------------- set-up API
    def setup(self, rt) -> None:  # pragma: no cover - overridden
        raise UsageError(f"{type(self).__name__} must define setup(self, rt) to deploy its "
                         "contracts")

    def track(self, contract, credited=(), locks=None, user_arg: str = "account_id",
              in_flight=None):
        """Let the built-in invariants watch ``contract``.

        credited  view method name(s) returning what the contract owes a user (yoctoNEAR, int or
                  decimal string), called as ``view(contract, name, {user_arg: user})``; or
                  callables ``(rt, user) -> int``.  Summed over names and tracked contracts.
        locks     view method name (or callable ``(rt) -> collection``) listing what is locked or
                  pending; must be empty whenever no receipt is in flight.
        in_flight view method name (or callable ``(rt, user) -> int``) giving what the contract
                  holds for the user in operations still in flight (e.g. a deposit forwarded to
                  another contract whose callback has not run).  When every tracked contract
                  gives one, money conservation is checked after every step, not only when
                  idle.
        """
        account_id = _account_id(contract)
        if isinstance(credited, (str,)) or callable(credited):
            credited = (credited,)
        for item in credited:
            if not (isinstance(item, str) or callable(item)):
                raise UsageError(f"track({account_id!r}, credited={item!r}): give a view method "
                                 "name or a callable (rt, user) -> int")
        self._tracked.append(Tracked(account_id, tuple(credited), locks, user_arg, in_flight))

    def submit(self, signer, receiver, method: str, args: dict | None = None,
               deposit: int = 0, gas: int | None = None):
        """Queue a transaction (it runs when the explorer steps).  Called from rules."""
        run = self._run
        if run is None:
            raise UsageError("Machine.submit() is for rules, while the explorer runs them")
        return run.submit(_account_id(signer), _account_id(receiver), method, args or {},
                          int(deposit), gas)

    # --------------------------------------------------------------- internals
    _run = None

    def __init__(self):
        self._tracked = []

    def __init_subclass__(cls, **kwargs):
        """Refuse, when the class statement ends, what the decorators alone cannot tell: a
        @precondition on a method that no @rule decorates (in either order).  A subclass with
        no rules is allowed here (it may be an abstract base); exploring one is refused
        (``_require_rules``)."""
        super().__init_subclass__(**kwargs)
        for name, value in vars(cls).items():
            attrs = getattr(value, "__dict__", None) or {}
            if _PRECONDITION in attrs and _RULE not in attrs:
                raise UsageError(
                    f"@precondition on {cls.__qualname__}.{name}: {name} is not a rule, so the "
                    "precondition would never be consulted; add @rule(...) (above or below "
                    "the @precondition), or remove the @precondition")

    @classmethod
    def _require_rules(cls) -> None:
        if not cls.rules():
            raise UsageError(
                f"{cls.__qualname__} has no rules, so exploring it would run 0 schedules and "
                "prove nothing: add a @rule(...) method that submits a transaction, or explore "
                "a subclass that defines rules (a Machine without rules is fine as a base to "
                "subclass, not to explore)")

    @classmethod
    def rules(cls) -> list:
        return cls._marked(_RULE)

    @classmethod
    def invariants(cls) -> list:
        return cls._marked(_INVARIANT)

    @classmethod
    def _marked(cls, mark) -> list:
        """The specs ``mark`` (``@rule`` / ``@invariant``) left on the methods, by name."""
        found = (getattr(getattr(cls, name, None), mark, None) for name in sorted(dir(cls)))
        return [spec for spec in found if spec is not None]

    @classmethod
    def hostile_accounts(cls) -> tuple:
        """The contracts the attacker controls (created and deployed by the explorer)."""
        if not cls.attacker:
            return ()
        return (cls.hostile or "hostile." + cls.attacker,)

    @classmethod
    def precondition_of(cls, spec: RuleSpec):
        return getattr(spec.fn, _PRECONDITION, None)

    # --------------------------------------------------------------- entry points
    @classmethod
    def explore(cls, **settings):
        """Explore with this machine's settings (overridden by keyword arguments); returns an
        :class:`~near_safe.explore.ExploreResult`."""
        from ._engine import explore

        return explore(cls, **settings)

    @classmethod
    def check(cls, **settings):
        """Explore and raise :class:`~near_safe.explore.ViolationFound` (whose message is the
        report: the minimal schedule as a pytest test, the seed, receipts and balances) if an
        invariant breaks.  Use it as a test body: ``def test_vault(): VaultMachine.check()``."""
        result = cls.explore(**settings)
        result.raise_on_violation()
        if not result.watched:
            raise UsageError(f"{cls.__name__}: the exploration watched nothing ({result.summary()})"
                             ": add an @invariant, call self.track(...) in setup, or keep the "
                             "attacker (its accounts never end richer) so a clean run means "
                             "something")
        return result

    @classmethod
    def as_test(cls, **settings):
        """A pytest test function: ``test_vault = Vault.as_test()`` in a test module."""
        cls._require_rules()  # at import time, where the test is defined

        def test():
            cls.check(**settings)

        test.__name__ = test.__qualname__ = f"test_{cls.__name__}"
        test.__doc__ = f"Explore {cls.__name__}; fails with the report if an invariant breaks."
        return test

    @classmethod
    def replay(cls):
        """A fresh runtime with users and ``setup`` done, for a printed reproduction test."""
        from ._run import Run

        return Run.start(cls, cls.settings)


def _account_id(x) -> str:
    if isinstance(x, str):
        return x
    for attr in ("account_id", "id"):
        value = getattr(x, attr, None)
        if isinstance(value, str):
            return value
    raise UsageError(f"{x!r} is not an account: give an account id string or an account "
                     "object returned by the runtime")


def _check_strategy(value):
    if not isinstance(value, Strategy):  # pragma: no cover
        raise UsageError(f"{value!r} is not a strategy")

