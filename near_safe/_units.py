"""Units shared by near_safe's CPython side: the one place they are defined.

The simulator (``near_safe.testing``, which re-exports them), the explorer, the checker, the
near-pytest backend and the CLI take NEAR and TGAS from here.  The contract side
(``near_safe/_root.py``, frozen into every Wasm) keeps its own literal ``TGAS``: every import
is paid in gas on every call there, so it does not import this module;
``tests/runtime/test_units.py`` checks that the two agree.  Protocol parameters (fees, limits,
the gas price) are not units: they live in ``near_safe/testing/params.py``.  CPython only.
"""

NEAR = 10**24  # yoctoNEAR per NEAR
TGAS = 10**12  # gas per Tgas

__all__ = ["NEAR", "TGAS"]
