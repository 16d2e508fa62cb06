"""Distribution of a call's unused gas over its weighted function calls (docs/protocol.md 5.5).

nearcore ``runtime/runtime/src/receipt_manager.rs`` ``distribute_gas``: after the contract
returns (success or failure, non-view calls only) ``unused = prepaid - used`` is shared out by
weight, the last weighted call taking the rounding remainder.  A pure function so the four
TV11 vectors test it directly.
"""

from __future__ import annotations


def distribute_gas(unused: int, weighted: list) -> list:
    """Shares of ``unused`` for ``weighted`` = [weight, ...] (registration order).

    Returns one addition per entry (sum == unused if any weight > 0, else all 0)."""
    total = sum(weighted)
    if total == 0 or unused <= 0:
        return [0] * len(weighted)
    adds = [unused * w // total for w in weighted]
    last = max(i for i, w in enumerate(weighted) if w > 0)
    adds[last] += unused - sum(adds)
    return adds
