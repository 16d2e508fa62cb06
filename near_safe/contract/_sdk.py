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
  while a near_safe callback body runs, ``route`` points them at the same buffer.
"""

import json

from .. import near  # the host module (a stand-in under CPython: near_safe._host)
from . import _state
from ._state import ContractError

ONE_NEAR = 1000000000000000000000000
ONE_TGAS = 1000000000000


class ContractPanic(ContractError):
    """near-sdk-py's names for its errors: raising one panics with its message."""


class StorageError(ContractError):
    pass


class AccessDenied(ContractError):
    pass


class InvalidInput(ContractError):
    pass


def _key(key):
    """A key the contract may write: near_safe's own records are not the contract's to forge."""
    if key.startswith("_ns:"):
        raise StorageError("Method " + _state.method + ": storage key " + key
                           + " is reserved by near_safe")
    return key


class Storage:
    """near-sdk-py's ``Storage``: raw (str/bytes) and JSON values under str keys."""

    @staticmethod
    def get(key):
        return _state.read(key)

    @staticmethod
    def get_string(key):
        raw = _state.read(key)
        return None if raw is None else raw.decode()

    @staticmethod
    def get_json(key):
        return _state.get(key)

    @staticmethod
    def set(key, value):
        _state.write(_key(key), value)

    @staticmethod
    def set_json(key, value):
        _state.set(_key(key), value)

    @staticmethod
    def remove(key):
        _state.remove(_key(key))

    @staticmethod
    def has(key):
        return _state.has(key)


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


class Log:
    """near-sdk-py's ``Log``: prefixed log lines and NEP-297 events."""

    @staticmethod
    def info(message):
        near.log_utf8("INFO: " + str(message))

    @staticmethod
    def warning(message):
        near.log_utf8("WARNING: " + str(message))

    @staticmethod
    def error(message):
        near.log_utf8("ERROR: " + str(message))

    @staticmethod
    def debug(message):
        near.log_utf8("DEBUG: " + str(message))

    @staticmethod
    def event(event_type, data, standard="nep171", version="1.0.0"):
        """``EVENT_JSON:{...}`` with near-sdk-py's keys and order; ``standard=`` and
        ``version=`` name your NEP (near-sdk-py always writes nep171)."""
        near.log_utf8('EVENT_JSON:{"standard": ' + json.dumps(standard) + ', "version": '
                      + json.dumps(version) + ', "event": ' + json.dumps(event_type)
                      + ', "data": ' + _state.dumps(data) + "}")


class Contract:
    """Base class of a class-style contract: ``class Auction(Contract)``.  nearc creates one
    instance per call and exports its decorated methods (decorate them with near_safe's
    ``view`` / ``call`` / ``init`` / ``callback``)."""

    storage = _Items()

    @property
    def current_account_id(self):
        return near.current_account_id()

    @property
    def predecessor_account_id(self):
        return near.predecessor_account_id()

    @property
    def signer_account_id(self):
        return near.signer_account_id()

    @property
    def attached_deposit(self):
        return near.attached_deposit()

    @property
    def prepaid_gas(self):
        return near.prepaid_gas()

    @property
    def used_gas(self):
        return near.used_gas()

    @property
    def block_height(self):
        return near.block_height()

    @property
    def block_timestamp(self):
        return near.block_timestamp()

    @property
    def epoch_height(self):
        return near.epoch_height()

    @property
    def account_balance(self):
        return near.account_balance()

    @property
    def account_locked_balance(self):
        return near.account_locked_balance()

    @property
    def storage_usage(self):
        return near.storage_usage()

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
        Log.info(message)

    def log_warning(self, message):
        Log.warning(message)

    def log_error(self, message):
        Log.error(message)

    def log_event(self, event_type, data, standard="nep171", version="1.0.0"):
        Log.event(event_type, data, standard, version)


# --- near-sdk-py collections inside a callback body -------------------------------------------


class _Buffered:
    """The four host functions near-sdk-py's collections call, through near_safe's state (the
    callback body's buffer)."""

    @staticmethod
    def storage_read(key):
        return _state.read(key)

    @staticmethod
    def storage_write(key, value):
        _state.write(key, value)

    @staticmethod
    def storage_remove(key):
        old = _state.read(key)
        _state.remove(key)
        return old

    @staticmethod
    def storage_has_key(key):
        return _state.has(key)


# the modules of near_sdk_py.collections that call the host module (1.0.0)
_COLLECTIONS = ("adapter", "base", "lookup_map", "lookup_set", "tree_map", "unordered_map",
                "unordered_set")


def route(buffered, modules):
    """Point the loaded near-sdk-py collection modules' ``near`` at the buffer (``buffered``)
    or back at the host module.  Called by near_safe's callback wrapper, only when
    ``near_sdk_py.collections.adapter`` is loaded."""
    for name in _COLLECTIONS:
        m = modules.get("near_sdk_py.collections." + name)
        if m is not None:
            m.near = _Buffered if buffered else near
