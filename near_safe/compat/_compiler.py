"""near-pytest's ``compile_contract`` on near_safe's builder.

near-pytest compiles through nearc into ``~/.near-pytest/cache`` keyed by the source hash,
building MicroPython afresh in the contract's folder (about two minutes the first time per
folder).  near_safe's builder gives the same result (a ``Path`` to the Wasm) from its shared,
warmed toolchain and content-addressed cache.  A ``.wasm`` path is returned as it is, like
near-pytest does.

CPython only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from near_pytest.compiler import CompilerError

from near_safe.errors import NearSafeError


class EmbeddedCompilerError(CompilerError, NearSafeError):
    """A build failure, catchable as near-pytest's ``CompilerError`` as before."""


def compile_contract(contract_path: str | Path, single_file: bool = False) -> Path:
    from near_pytest.utils import logger

    from near_safe.builder import build_contract

    contract_path = Path(contract_path).resolve()
    if contract_path.suffix == ".wasm":
        logger.info(f"File is already compiled WASM: {contract_path}")
        return contract_path
    if contract_path.is_dir():
        raise EmbeddedCompilerError(
            f"Failed to compile contract: {contract_path} is a folder; near_safe's builder "
            "compiles one contract file: pass the contract's .py file")
    # single_file=True tells nearc to skip sibling modules of the contract; near_safe's
    # builder always freezes what the contract imports.  A contract that builds with
    # single_file=True builds the same here; one that needs its siblings builds here even
    # with single_file=True (where nearc would leave them out).
    try:
        wasm = Path(build_contract(contract_path))
    except NearSafeError as exc:
        raise EmbeddedCompilerError(f"Failed to compile contract: {exc}") from exc
    _sources[hashlib.sha256(wasm.read_bytes()).digest()] = contract_path
    return wasm


# sha256(Wasm bytes) -> the source it was built from, so python mode can run the source of a
# contract near-pytest deploys by its Wasm.
_sources = {}


def source_for(wasm_bytes: bytes):
    """The ``.py`` that :func:`compile_contract` built ``wasm_bytes`` from, or None."""
    return _sources.get(hashlib.sha256(wasm_bytes).digest())
