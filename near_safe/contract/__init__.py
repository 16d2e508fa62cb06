"""Contract side of near_safe (frozen into the Wasm, runs under MicroPython).

Modules: ``_args`` (declared kinds, strict input), ``_state`` (buffered state, ledgers,
locks), ``_xcc`` (safe_call and settlement), ``_methods`` (the decorators).  The public names
are re-exported by ``near_safe``; see docs/safety.md.
"""
