"""Cross-checking CPython mode against Wasm mode, call by call (``--near-mode=both``).  CPython
only.

Where CPython mode cannot model the port (a trap that depends on the Wasm's stack, an error
text it does not reproduce, gas), a suite run only in CPython mode would pass where the Wasm
fails.  With the cross-check on, every CPython-mode call is also run in Wasm mode - the same
source built for the same port (cached), the same context and state - and the two outcomes are
compared: status and error, return value, logs, state written and receipts created (not gas:
gas figures come from Wasm mode, and a call that only the Wasm runs out of gas on is not a
disagreement; nor the key order of JSON objects, which CPython mode gets only approximately for
dicts made inside installed packages).  A disagreement raises :class:`ModeDisagreement` out of the call, so the test
fails, naming the call and both outcomes.  The pytest plugin turns it on for
``--near-mode=both`` (ini ``near_mode_crosscheck = false`` turns it off).
"""

from __future__ import annotations

import hashlib

from ....errors import NearSafeError

_enabled = [False]
_wasm_codes: dict = {}  # (source sha256, port name) -> ContractCode of the Wasm


class ModeDisagreement(NearSafeError):
    """A call gave different outcomes in CPython mode and in Wasm mode."""


def enable(on: bool = True) -> None:
    """Cross-check every CPython-mode call against Wasm mode (or stop)."""
    _enabled[0] = bool(on)


def enabled() -> bool:
    return _enabled[0]


class _ReplayExt:
    """The runtime callbacks for the Wasm run: the data ids CPython mode's run was given, in
    order (the runtime is asked once), then ids of its own."""

    def __init__(self, ext, ids):
        self._ext = ext
        self._ids = list(ids)
        self._n = 0

    def new_data_id(self) -> bytes:
        self._n += 1
        if self._ids:
            return self._ids.pop(0)
        return hashlib.sha256(b"near_safe crosscheck %d" % self._n).digest()

    def yield_is_pending(self, account_id, data_id) -> bool:
        return self._ext.yield_is_pending(account_id, data_id)


class RecordingExt:
    """Wraps the runtime's callbacks for CPython mode's run, recording the data ids given."""

    def __init__(self, ext):
        self._ext = ext
        self.ids = []

    def new_data_id(self) -> bytes:
        data_id = self._ext.new_data_id()
        self.ids.append(data_id)
        return data_id

    def yield_is_pending(self, account_id, data_id) -> bool:
        return self._ext.yield_is_pending(account_id, data_id)


def _wasm_code(code, port):
    from pathlib import Path

    from ....builder import build_contract
    from .. import ContractCode

    key = (code.hash, port.name)
    hit = _wasm_codes.get(key)
    if hit is None:
        path = Path(code.source_path)
        if path.read_bytes() != code.code:  # the file changed since deployment
            return None
        wasm = Path(build_contract(path, progress=False, patches=port.name != "nearc"))
        hit = _wasm_codes[key] = ContractCode(wasm.read_bytes(), kind="wasm", source_path=path)
    return hit


_GAS_ERRORS = ("Exceeded the prepaid gas.", "Exceeded the maximum amount of gas allowed to burn "
               "per contract.")


def _json_key_order_free(data):
    """``data`` (bytes or str) with the key order of the JSON objects in it set aside: CPython
    mode orders dicts made inside installed packages (near_safe's and near_sdk_py's own code)
    approximately (docs/cpython-mode.md), so a stored or logged object whose keys come out in
    another order is not reported."""
    import json

    text = data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else data
    prefix = ""
    if text.startswith("EVENT_JSON:"):
        prefix, text = "EVENT_JSON:", text[len("EVENT_JSON:"):]
    if not text[:1] in ("{", "["):
        return data
    try:
        return ("json", prefix, json.dumps(json.loads(text), sort_keys=True))
    except ValueError:
        return data


def _facts(out) -> dict:
    aborted = out.aborted
    ret = out.return_data if aborted is None else None
    if ret is not None and ret[0] == "value":
        ret = ("value", _json_key_order_free(ret[1]))
    storage = out.storage if aborted is None else None
    if storage is not None:
        storage = {k: _json_key_order_free(v) for k, v in storage.items()}
    return {
        "error": None if aborted is None else aborted.message,
        "return": ret,
        "logs": [_json_key_order_free(line) for line in out.logs],
        "storage": storage,
        "receipts": None if aborted is not None else [
            (getattr(r, "receiver_id", None), repr(getattr(r, "actions", None))[:2000])
            for r in out.new_receipts],
    }


def check(code, port, method_name, context, storage, ext, config, outcome, ids) -> None:
    """Run the call in Wasm mode and raise ModeDisagreement if it differs from ``outcome``."""
    from ..wasm import run_wasm

    wasm_code = _wasm_code(code, port)
    if wasm_code is None:
        return
    wasm = run_wasm(wasm_code, method_name, context, storage, _ReplayExt(ext, ids), config)
    py, w = _facts(outcome), _facts(wasm)
    if w["error"] in _GAS_ERRORS and py["error"] is None:
        return  # gas figures come from Wasm mode (docs/cpython-mode.md)
    # receipts carry gas amounts that follow from the gas used: compare them only by receiver
    if py["receipts"] is not None and w["receipts"] is not None:
        py["receipts"] = [r[0] for r in py["receipts"]]
        w["receipts"] = [r[0] for r in w["receipts"]]
    if py == w:
        return
    lines = [f"{context.current_account_id}.{method_name}() differs between CPython mode and "
             f"Wasm mode (port {port.name!r}); the Wasm's outcome is the verdict:"]
    for key in py:
        if py[key] != w[key]:
            lines.append(f"  {key}: wasm {w[key]!r}\n  {' ' * len(key)}  python {py[key]!r}")
    lines.append("fix the contract so that both agree, or run this test in one mode "
                 "(@pytest.mark.near_mode); see docs/cpython-mode.md")
    raise ModeDisagreement("\n".join(lines))
