"""Contract side of near_safe beside the package root (frozen into the Wasm, MicroPython).

``_state``: state with buffered writes, ledgers, locks (imported by every contract);
``_xcc``: safe_call and settlement (imported on first use).  The decorators, argument kinds and
strict input live in the root, ``near_safe/_root.py`` (frozen as ``near_safe/__init__.py``): see its docstring for why (gas).
"""
