"""near-sdk-py 1.0.0's class surface on near_safe (contract side, MicroPython-safe).

``from near_safe import Contract`` loads this module through the package root's
``__getattr__``, so a contract written with module-level functions never imports it (every
module and name costs gas on every call, docs/gas-model.md).  Names and behaviour follow
near-sdk-py 1.0.0 (``near_sdk_py/contract.py``, ``storage.py``, ``context.py``, ``log.py``)
where that is safe; where it is not, near_safe's:

* ``self.storage`` and ``Storage`` read and write through near_safe's ``state``: a view cannot
  write, a raising callback body's writes are dropped, inf/nan are refused, and keys starting
  with ``_ns:`` (near_safe's own records: claimable refunds, in-flight operations, locks) cannot
  be written or deleted through them - a ported contract that stores user-chosen keys must not
  let a caller forge a claimable refund;
* deposits, init-once and strict input are the decorators' (near_safe's ``call`` / ``view`` /
  ``init`` / ``callback``), which near-sdk-py leaves open;
* near-sdk-py collections (LookupMap, Vector, ...) write with ``near.storage_write`` directly;
  while a near_safe callback body runs, ``_route.route`` points them at the same buffer.

What a class contract uses on every call is here (Contract); near-sdk-py's other names
(Storage, Log, ContractPanic, ONE_NEAR, ONE_TGAS) are in ``_sdk_extra.py``, the collections
router in ``_route.py``, each loaded only by the contracts that use them (each definition is paid on
every call: bench/bench_classes.py).
"""

import json

from .. import near  # the host module (a stand-in under CPython: near_safe._host)
from . import _state
from ._state import ContractError


class _Named(ContractError):
    """near-sdk-py's errors panic as its wrapper makes them: ``AccessDenied: <message>``
    (near_safe's ContractError and near-sdk-py's ContractPanic: the message alone)."""

    def __str__(self):
        return type(self).__name__ + ": " + (str(self.args[0]) if self.args else "")


class StorageError(_Named):
    pass


class AccessDenied(_Named):
    pass


class InvalidInput(_Named):
    pass


def _key(key):
    """A key the contract may write: near_safe's own records are not the contract's to forge."""
    if key.startswith("_ns:"):
        raise ContractError("Method " + _state.method + ": storage key " + key
                           + " is reserved by near_safe")
    return key


class _Items:
    """``self.storage``: near-sdk-py's dictionary-like storage of JSON values."""

    def __getitem__(self, key):
        raw = _state.read(key)
        if raw is None:
            raise KeyError(key)
        return json.loads(raw)

    def __setitem__(self, key, value):
        _state.set(_key(key), value)

    def __delitem__(self, key):
        if not _state.has(key):
            raise KeyError(key)
        _state.remove(_key(key))

    def __contains__(self, key):
        return _state.has(key)

    def get(self, key, default=None):
        return _state.get(key, default)

    def set(self, key, value):
        _state.set(_key(key), value)
        return True

    def delete(self, key):
        if _state.has(key):
            _state.remove(_key(key))
            return True
        return False


class Contract:
    """Base class of a class-style contract: ``class Auction(Contract)``.  nearc creates one
    instance per call and exports its decorated methods (decorate them with near_safe's
    ``view`` / ``call`` / ``init`` / ``callback``)."""

    storage = _Items()

    def __getattr__(self, name):
        """near-sdk-py's context properties (``self.predecessor_account_id``, ...), plus
        ``epoch_height``, ``account_balance``, ``account_locked_balance``, ``storage_usage``.
        One method instead of a property each: every definition here is paid on every call."""
        if name in ("current_account_id", "predecessor_account_id", "signer_account_id",
                    "attached_deposit", "prepaid_gas", "used_gas", "block_height",
                    "block_timestamp", "epoch_height", "account_balance",
                    "account_locked_balance", "storage_usage"):
            return getattr(near, name)()
        raise AttributeError(name)

    def assert_one_yocto(self):
        """Exactly 1 yoctoNEAR attached.  (Declare the method ``@call(one_yocto=True)``: a
        method that is not payable refuses every deposit before its body runs.)"""
        if near.attached_deposit() != 1:
            raise AccessDenied("Requires exactly 1 yoctoNEAR")

    def assert_min_deposit(self, amount):
        d = near.attached_deposit()
        if d < amount:
            raise InvalidInput("Requires at least " + str(amount) + " yoctoNEAR (received "
                               + str(d) + ")")

    def assert_owner(self, owner_key="owner"):
        """The caller is the account stored under ``owner_key``.  Unlike near-sdk-py, a
        contract with no owner stored refuses everyone (near-sdk-py lets everyone through)."""
        if near.predecessor_account_id() != _state.get(owner_key):
            raise AccessDenied("Only the owner can perform this action")

    def log_info(self, message):
        near.log_utf8("INFO: " + str(message))

    def log_warning(self, message):
        near.log_utf8("WARNING: " + str(message))

    def log_error(self, message):
        near.log_utf8("ERROR: " + str(message))

    def log_event(self, event_type, data, standard="nep171", version="1.0.0"):
        """``EVENT_JSON:{...}`` with near-sdk-py's keys and order; ``standard=`` and
        ``version=`` name your NEP (near-sdk-py always writes nep171 / 1.0.0)."""
        near.log_utf8('EVENT_JSON:{"standard": ' + json.dumps(standard) + ', "version": '
                      + json.dumps(version) + ', "event": ' + json.dumps(event_type)
                      + ', "data": ' + _state.dumps(data) + "}")
