"""Formatting helpers shared by the report and the ledger (CPython only)."""

from __future__ import annotations

NEAR = 10**24
TGAS = 10**12


def fmt_near(amount: int) -> str:
    """Exact when it is a whole number of NEAR (or milliNEAR), else 6 significant digits."""
    if amount % NEAR == 0:
        return f"{amount // NEAR} NEAR"
    if amount % (NEAR // 1000) == 0:
        return f"{amount / NEAR:.3f} NEAR"
    return f"{amount / NEAR:.6g} NEAR"


def near_literal(amount: int) -> str:
    """Python source for an amount, as a test would write it (``10 * NEAR``)."""
    if amount and amount % NEAR == 0:
        return f"{amount // NEAR} * NEAR"
    return str(amount)


def gas_literal(gas: int) -> str:
    if gas and gas % TGAS == 0:
        return f"{gas // TGAS} * TGAS"
    return str(gas)


def describe_receipt(outcome, fault=None) -> str:
    what = outcome.method or "+".join(getattr(outcome, "actions", ()) or ()) or "-"
    if outcome.status == "failure":
        res = f"FAILED ({outcome.error_kind}: {outcome.error})"
    else:
        res = "ok"
    dep = f" deposit {fmt_near(outcome.deposit)}" if getattr(outcome, "deposit", 0) else ""
    inj = f"  [injected: {fault}]" if fault else ""
    if fault == "large_result":
        inj = f"  [injected: large_result, {len(outcome.raw_value or b'')} bytes]"
    return f"{outcome.predecessor} -> {outcome.receiver}.{what}{dep}: {res}{inj}"
