"""The gas counter of one function call: docs/protocol.md 2.10, implemented literally.

nearcore ``runtime/near-vm-runner/src/logic/gas_counter.rs``.  Two quantities are tracked:
``burnt`` (gas destroyed by this call: Wasm ops, host costs, send fees) and ``promises_gas``
(gas reserved for receipts this call created: exec fees and attached gas).  ``used_gas`` is
their sum.  Running out of gas burns everything that may be burnt (``process_gas_limit``).
"""

from __future__ import annotations

U64_MAX = 2**64 - 1


class GasError(Exception):
    """Raised by the counter; ``kind`` is 'GasExceeded' or 'GasLimitExceeded' (nearcore
    ``HostError::GasExceeded`` / ``GasLimitExceeded``).  VMLogic turns it into an abort."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


class IntegerOverflow(Exception):
    """nearcore's checked u64 arithmetic failed (``HostError::IntegerOverflow``)."""


class GasCounter:
    """docs/protocol.md 2.10.  ``prepaid`` is the FunctionCall's gas (u64::MAX for a view call),
    ``max_burnt`` is ``max_gas_burnt`` (``max_gas_burnt_view`` for a view call)."""

    __slots__ = ("burnt", "gas_limit", "max_burnt", "prepaid", "profile", "promises_gas")

    def __init__(self, prepaid: int, max_burnt: int, is_view: bool = False):
        self.burnt = 0
        self.promises_gas = 0
        self.prepaid = U64_MAX if is_view else prepaid
        self.max_burnt = max_burnt
        self.gas_limit = min(self.max_burnt, self.prepaid)
        # cost name -> gas: where the gas went (like nearcore's ProfileData); for docs/debugging
        self.profile: dict = {}

    @property
    def used_gas(self) -> int:
        return self.burnt + self.promises_gas

    def burn_gas(self, g: int) -> None:
        nb = self.burnt + g
        if nb <= self.gas_limit:
            self.burnt = nb
        else:
            self.process_gas_limit(nb, nb + self.promises_gas)

    def deduct_gas(self, burn: int, use: int) -> None:
        """Action fees and prepaid promise gas: ``burn`` is burnt now, ``use - burn`` reserved."""
        assert use >= burn
        np = self.promises_gas + (use - burn)
        nb = self.burnt + burn
        nu = nb + np
        if nb <= self.max_burnt and nu <= self.prepaid:
            if use != burn:
                self.gas_limit = min(self.max_burnt, self.prepaid - np)
            self.burnt, self.promises_gas = nb, np
        else:
            self.process_gas_limit(nb, nu)

    def process_gas_limit(self, nb: int, nu: int) -> None:
        self.burnt = min(nb, min(self.prepaid, self.max_burnt))
        self.promises_gas = max(0, min(self.prepaid, nu) - self.burnt)
        raise GasError("GasLimitExceeded" if nb > self.max_burnt else "GasExceeded")

    # -- nearcore helpers (pay_base / pay_per / prepay_gas) with u64 overflow checks --------

    # pay_base runs for every host-function cost (a dozen or more per call): it inlines
    # burn_gas's common path (one method call less); the profile entry is one dict update.
    # pay_per (about 15 per simple call) adds its u64 check and calls pay_base: 30 ns more
    # each, no difference within noise on bench/bench_runtime.py.

    def pay_base(self, name: str, cost: int) -> None:
        p = self.profile
        nb = self.burnt + cost
        if nb <= self.gas_limit:
            self.burnt = nb
            p[name] = p.get(name, 0) + cost
        else:  # the profile gets what was burnt (nearcore: burnt after - burnt before)
            before = self.burnt
            try:
                self.process_gas_limit(nb, nb + self.promises_gas)
            finally:
                p[name] = p.get(name, 0) + self.burnt - before

    def pay_per(self, name: str, cost: int, n: int) -> None:
        g = cost * n
        if g > U64_MAX:
            raise IntegerOverflow()
        self.pay_base(name, g)

    def pay_action(self, name: str, burn: int, use: int) -> None:
        if use > U64_MAX:
            raise IntegerOverflow()
        p = self.profile
        p[name] = p.get(name, 0) + burn
        if use > burn:
            r = name + " (reserved)"
            p[r] = p.get(r, 0) + use - burn
        self.deduct_gas(burn, use)

    def prepay_gas(self, use: int) -> None:
        """Gas attached to a promise: reserved, not burnt."""
        p = self.profile
        p["attached_gas (reserved)"] = p.get("attached_gas (reserved)", 0) + use
        self.deduct_gas(0, use)
