"""A local module probe.py imports: frozen into its Wasm."""

VALUE = 1
