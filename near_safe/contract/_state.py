"""Contract state through near_safe: plain keys, ledgers, locks (contract side).

Why a layer of our own: a callback must never abort because its body raised, yet the body's
writes must not survive the failure (NEAR has no partial rollback inside a receipt, spec 4.1).
While a callback body runs, writes made through this module go to an in-memory buffer; reads
see the buffer first.  When the body returns the buffer is written to storage; when it raises
the buffer is dropped.  Writes made with ``near.storage_write`` directly bypass the buffer and
DO survive a raising callback body: inside callbacks, write through ``state``.

Inside a ``@view`` writes are refused (near-sdk-py 1.0.0 lets views write when they are called
as transactions).

Keys are str, values are JSON (``get``/``set``) or bytes (``read``/``write``).  near_safe's own
keys start with ``_ns:``.
"""

import json

import near

_buf = None  # dict key -> bytes | None (removed) while a callback body runs, else None
readonly = None  # the view's name while a @view runs
method = ""  # name of the exported method running now (for safe_call's messages)
op = None  # the Operation a callback is settling (near_safe.operation())


class ContractError(Exception):
    """Raise (or use ``require``) for an expected failure: in a @call the method panics with
    exactly this message; in a callback body the body's writes are dropped and it is logged."""


def require(cond, message):
    if not cond:
        raise ContractError(message)


class Promise:
    """What ``safe_call`` returns: returning it from a method makes the callback's result the
    method's result (``promise_return``)."""

    def __init__(self, index):
        self.index = index


def read(key):
    if _buf is not None and key in _buf:
        return _buf[key]
    return near.storage_read(key)


def write(key, value):
    if readonly is not None:
        raise ContractError("Method " + readonly + " is a view: it cannot write state")
    if _buf is not None:
        _buf[key] = value if type(value) is bytes else value.encode()
    else:
        near.storage_write(key, value)


def remove(key):
    if readonly is not None:
        raise ContractError("Method " + readonly + " is a view: it cannot write state")
    if _buf is not None:
        _buf[key] = None
    else:
        near.storage_remove(key)


def has(key):
    if _buf is not None and key in _buf:
        return _buf[key] is not None
    return near.storage_has_key(key)


def get(key, default=None):
    raw = read(key)
    return default if raw is None else json.loads(raw)


def set(key, value):  # dict-like name on purpose: state.set
    write(key, json.dumps(value))


def begin_buffer():
    global _buf
    _buf = {}


def end_buffer(commit):
    """Leave buffered mode; write the buffer to storage when ``commit``."""
    global _buf
    buf, _buf = _buf, None
    if commit and buf:
        for key in buf:
            value = buf[key]
            if value is None:
                near.storage_remove(key)
            else:
                near.storage_write(key, value)


def reset(name):
    """Per-call reset at the start of every wrapped method (matters in CPython mode, where the
    module outlives one call)."""
    global _buf, readonly, method, op
    _buf = None
    readonly = None
    method = name
    op = None


# --- ledgers: integer balances (yoctoNEAR or token units) per account --------------------


def balance(ledger, account):
    """The balance of ``account`` in ``ledger`` (0 when absent)."""
    raw = read(ledger + ":" + account)
    return 0 if raw is None else int(raw)


def credit(ledger, account, amount):
    if amount < 0:
        raise ContractError("negative credit")
    if amount:
        write(ledger + ":" + account, str(balance(ledger, account) + amount))


def debit(ledger, account, amount):
    """Subtract ``amount``; raises ContractError when the balance is too small."""
    have = balance(ledger, account)
    if amount < 0 or have < amount:
        raise ContractError("Not enough balance in " + ledger + " for " + account)
    if have == amount:
        remove(ledger + ":" + account)
    elif amount:
        write(ledger + ":" + account, str(have - amount))


# --- locks: a key held from a call to its callback ------------------------------------------

LOCK = "_ns:lock:"


def is_locked(key):
    return has(LOCK + key)


def assert_unlocked(key):
    """Raise ``Locked: <key>`` when an operation holding ``key`` is in flight."""
    if has(LOCK + key):
        raise ContractError("Locked: " + key)
