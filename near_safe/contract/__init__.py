"""Contract side of near_safe beside the package root (frozen into the Wasm, MicroPython).

``_state``: state with buffered writes, ledgers, locks (imported by every contract);
``_xcc``: safe_call and settlement (imported on first use).  The decorators, argument kinds and
strict input live in ``near_safe/__init__.py`` itself: see its docstring for why (gas).
"""
