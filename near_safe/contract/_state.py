"""Contract state through near_safe: plain keys, ledgers, locks (contract side).

Why a layer of our own: a callback must never abort because its body raised, yet the body's
writes must not survive the failure (NEAR has no partial rollback inside a receipt,
docs/protocol.md 4.1). While a callback body runs, writes made through this module go to an
in-memory buffer; reads see the buffer first.  When the body returns the buffer is written to
storage; when it raises the buffer is dropped.  Writes made with ``near.storage_write`` directly
bypass the buffer and DO survive a raising callback body: inside callbacks, write through ``state``.

Inside a ``@view`` writes are refused (near-sdk-py 1.0.0 lets views write when they are called
as transactions).

Keys are str, values are JSON (``get``/``set``) or bytes (``read``/``write``).  near_safe's own
keys start with ``_ns:``.
"""

# json through the root too: `import json` (a built-in module) costs every call about 40 Ggas
# (bench/bench_import_costs.py).  near: the host module (a stand-in under CPython:
# near_safe._host).
from .. import json, near

_buf = None  # dict key -> bytes | None (removed) while a callback body runs, else None
_sends = None  # promises a callback body made, sent only if the body returns
readonly = None  # the view's name while a @view runs
method = ""  # name of the exported method running now (for safe_call's messages)
op = None  # the Operation a callback is settling (near_safe.operation())
in_callback = False  # a @callback / @multi_callback is running
unsent = 0  # promise builders (contract/_promise.py) made and not sent yet


class ContractError(Exception):
    """Raise (or use ``require``) for an expected failure: in a @call the method panics with
    exactly this message; in a callback body the body's writes are dropped and it is logged."""


def require(cond, message):
    if not cond:
        raise ContractError(message)


class Promise:
    """What ``safe_call`` returns: returning it from a method makes the callback's result the
    method's result (``promise_return``).  Inside a callback body the promise is created only
    when the body returns (``index`` is None until then)."""

    def __init__(self, index):
        self.index = index


def promise(make):
    """Run ``make()`` (it creates promises, returns the index to return) now, or - inside a
    callback body - when the body returns: a raising body must not leave promises behind."""
    if _sends is None:
        return Promise(make())
    p = Promise(None)
    _sends.append((p, make))
    return p


def write_refused():
    raise ContractError("Method " + readonly + " is a view: it cannot write state")


def read(key):
    if _buf is not None and key in _buf:
        return _buf[key]
    return near.storage_read(key)


def write(key, value):
    if readonly is not None:
        write_refused()
    if _buf is not None:
        _buf[key] = value if type(value) is bytes else value.encode()
    else:
        near.storage_write(key, value)


def remove(key):
    if readonly is not None:
        write_refused()
    if _buf is not None:
        _buf[key] = None
    else:
        near.storage_remove(key)


def has(key):
    if _buf is not None and key in _buf:
        return _buf[key] is not None
    return near.storage_has_key(key) == 1  # a bool on both backends (CPython's returns 0/1)


def get(key, default=None):
    raw = read(key)
    return default if raw is None else json.loads(raw)


def set(key, value):  # dict-like name on purpose: state.set
    write(key, dumps(value))


def dumps(value):
    """``json.dumps(value)``, refusing inf and nan: MicroPython writes them as ``inf``/``nan``,
    CPython (nearc 0.10's CPython backend) as ``Infinity``/``NaN``, neither of which is JSON, so
    the key (or callback input, call arguments, result) could never be read again.  Raises
    ContractError ``Method NAME: inf or nan cannot be written as JSON``.  The walk over the
    value runs only when the text holds one of those words (rare)."""
    text = json.dumps(value)
    if ("inf" in text or "nan" in text or "Infinity" in text or "NaN" in text) \
            and not _finite(value):
        raise ContractError("Method " + method + ": inf or nan cannot be written as JSON")
    return text


def _finite(v):
    t = type(v)
    if t is float:
        return v - v == 0  # inf - inf and nan - nan are nan
    if t is list or t is tuple:
        for x in v:
            if not _finite(x):
                return False
    elif isinstance(v, dict):
        for k in v:
            if not _finite(v[k]):
                return False
    return True


def begin_buffer():
    global _buf, _sends
    _buf = {}
    _sends = []


def end_buffer(commit):
    """Leave buffered mode; write the buffer to storage and send the body's promises when
    ``commit``, else drop both."""
    global _buf, _sends
    buf, _buf = _buf, None
    sends, _sends = _sends, None
    if commit:
        if buf:
            for key in buf:
                value = buf[key]
                if value is None:
                    near.storage_remove(key)
                else:
                    near.storage_write(key, value)
        for p, make in sends:
            p.index = make()


def reset(name):
    """Per-call reset at the start of every wrapped method (matters in CPython mode, where the
    module outlives one call)."""
    global _buf, _sends, readonly, method, op, in_callback, unsent
    _buf = _sends = None
    readonly = None
    method = name
    op = None
    in_callback = False
    unsent = 0


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
