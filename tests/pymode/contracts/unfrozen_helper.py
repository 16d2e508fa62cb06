"""A local module no contract imports statically: not frozen, so not importable in the Wasm."""

VALUE = 2
