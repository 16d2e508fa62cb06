"""Formatting helpers shared by the report and the ledger (CPython only)."""

from __future__ import annotations

from .._units import NEAR, TGAS  # noqa: F401


def fmt_near(amount: int) -> str:
    """Exact when the amount is a whole number of microNEAR; otherwise rounded to six decimals
    and marked with ``~`` (integer arithmetic: no float rounding)."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    whole, frac = divmod(amount, NEAR)
    if frac == 0:
        return f"{sign}{whole} NEAR"
    micro, rest = divmod(frac, NEAR // 10**6)
    approx = "~" if rest else ""
    if rest * 2 >= NEAR // 10**6:
        micro += 1
        if micro == 10**6:
            whole, micro = whole + 1, 0
    digits = f"{micro:06d}".rstrip("0")
    return f"{approx}{sign}{whole}{'.' + digits if digits else ''} NEAR"


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
    from ._text import shown

    what = (shown(outcome.method) if outcome.method is not None else
            "+".join(getattr(outcome, "actions", ()) or ()) or "-")
    if outcome.status == "failure":
        res = f"FAILED ({shown(outcome.error_kind)}: {shown(outcome.error)})"
    else:
        res = "ok"
    dep = f" deposit {fmt_near(outcome.deposit)}" if getattr(outcome, "deposit", 0) else ""
    inj = f"  [injected: {fault}]" if fault else ""
    if fault == "large_result":
        inj = f"  [injected: large_result, {len(outcome.raw_value or b'')} bytes]"
    return (f"{shown(outcome.predecessor)} -> {shown(outcome.receiver)}.{what}{dep}: "
            f"{res}{inj}")
