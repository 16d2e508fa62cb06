"""near-sdk-py 1.0.0's less used names on near_safe (contract side, MicroPython-safe; loaded
through the package root's ``__getattr__`` only by contracts that use them).  See ``_sdk.py``."""

from .. import near  # the host module (a stand-in under CPython: near_safe._host)
from . import _state
from ._sdk import Contract, ContractError, _key

ONE_NEAR = 1000000000000000000000000
ONE_TGAS = 1000000000000


class ContractPanic(ContractError):
    pass


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


def _context(name):
    return staticmethod(lambda: getattr(near, name)())


class Context:
    """near-sdk-py's ``Context``: the call's context as static methods."""


for _name in ("current_account_id", "predecessor_account_id", "signer_account_id",
              "attached_deposit", "prepaid_gas", "used_gas", "block_height", "block_timestamp",
              "epoch_height"):
    setattr(Context, _name, _context(_name))


def _prefixed(prefix):
    return staticmethod(lambda message: near.log_utf8(prefix + str(message)))


class Log:
    """near-sdk-py's ``Log``: prefixed log lines and NEP-297 events."""

    info = _prefixed("INFO: ")
    warning = _prefixed("WARNING: ")
    error = _prefixed("ERROR: ")
    debug = _prefixed("DEBUG: ")

    @staticmethod
    def event(event_type, data, standard="nep171", version="1.0.0"):
        Contract.log_event(None, event_type, data, standard, version)
