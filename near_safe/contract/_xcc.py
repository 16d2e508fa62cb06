"""Promise results and settlement: what a callback does (contract side, MicroPython-safe;
imported by near_safe's callbacks, ``refund()`` and ``claim()``).

The calls themselves leave through contract/_promise.py (``safe_call`` and near-sdk-py's
builders, one path: ``launch``), which checks gas, numbers the operation and stores its record
under ``_ns:op:<n>``; the callback named at the call reads the promise results here
(``Result``, near-sdk-py's ``PromiseResult``), takes the record out of storage (``open_op``:
settlement happens at most once) and applies it (``settle``: unlock, credit on success,
restore and refund on failure).  Split from the calling side so that each receipt imports only
the half it runs (bench/bench_promises.py).
"""

# One import statement (four cost a callback 59 Ggas more, mostly `import json` of a built-in
# module: bench/bench_import_costs.py): json and _state through the root too.  near: the host
# module (under CPython the stand-in of near_safe._host).
from .. import (  # noqa: I001 (isort would split off the "as" import: one more statement)
    ACCOUNT,
    MAX_SEND,
    REFUND_GAS,
    STR,
    ContractError,
    convert,
    json,
    near,
    strict_json,
    state as _state,
)

STORAGE_BYTE_COST = 10000000000000000000  # yocto per byte (docs/protocol.md 6)
CLAIM = "_ns:claim"  # ledger of refunds that could not be sent
_OP = "_ns:op:"  # an operation's record, written by contract/_promise.py launch


# What decoding a result may take, checked before anything is decoded (bytes.count allocates
# nothing).  Measured in the Wasm by ``python bench/bench_results.py``:
# * heap: on plain nearc's port (the one near_safe's code must survive) MicroPython's heap is
#   32,000 bytes and nothing is reclaimed (platform.md); a near_safe callback body starts with
#   about 25,200 bytes free, less the answer's own bytes.  Heap per item decoded (with its
#   list slot): an empty list 41-42 bytes, an empty dict 25-26, a string "ab" 43-44, "\u0041\n"
#   49-50, a 13-digit int 52-53, a float 26-27, a 5-digit int 12-13.  So a decode takes at most
#   ``40 * '[' + 24 * '{' + 20 * ',' + 8 * '"' + 3 * len`` bytes, which must stay within
#   RESULT_HEAP, leaving about 13,000 bytes for the body, the settlement and the return: 1,801
#   bytes of 600 empty lists (23,328 bytes measured: the callback trapped) are refused, 233
#   strings "ab" (11,900 estimated) decode and settle (tests/safety/test_hostile_data.py).
# * gas: the check before the decode (strict_json, Python) costs 13-42 Ggas per item and up to
#   4.3 Ggas per byte of escaped or non-ASCII text, json.loads 1-12 Ggas per item, so a decode
#   may take at most half the gas left when it starts (_costly, run only when decoding: a
#   10 Tgas callback decodes about 100 items; give callback_gas= more for bigger answers).
#   Counted: 45 Ggas per item and 5 Ggas per byte, or 1 Ggas per byte when the answer is
#   printable ASCII without escapes (strings skipped with find; the min/max that tell cost
#   0.5 Ggas per byte themselves).  Literals, not names: each module-level name costs gas on
#   every call.
RESULT_HEAP = 12000


def _items(raw):
    """The number of items in ``raw`` (an upper bound), or -1 when its decode could take more
    than RESULT_HEAP bytes of heap."""
    lists, dicts, commas = raw.count(b"["), raw.count(b"{"), raw.count(b",")
    if 40 * lists + 24 * dicts + 20 * commas + 8 * raw.count(b'"') + 3 * len(raw) > RESULT_HEAP:
        return -1
    return lists + dicts + commas + 1


def _costly(raw, items):
    """Checking and decoding ``raw`` could take more than half the gas left."""
    left = near.prepaid_gas() - near.used_gas()
    items *= 45000000000
    n = len(raw)
    if 2 * (items + n * 5000000000) <= left:
        return False
    # printable ASCII without escapes is skipped with find, not walked: 1 Ggas per byte
    return (min(raw) < 32 or max(raw) > 127 or b"\\" in raw
            or 2 * (items + n * 1000000000) > left)


class Result:
    """One promise result in a callback.

    ``succeeded``: the promise itself succeeded (status 1) - the fact settlement relies on.
    ``ok``: it succeeded and is usable (within the size bound: ``max_result`` bytes and a
    decode that fits RESULT_HEAP; of the declared kind when the callback declares
    ``result=``).  ``raw``: the bytes (None on failure or above the bound).  ``value``: the
    JSON-decoded value when the answer is JSON as CPython's json reads it, else the answer as
    text when it is UTF-8 (a near-sdk-py method's str is sent raw), else its bytes
    (contract/_text.py, docs/classes.md); None when not ok or empty; decoded on first use: checking and decoding cost gas (bench/
    bench_results.py), so a callback that only settles never pays for it.  A decode that could
    take more than half the gas left is not done: ``value`` None, ``ok`` False, ``error``
    "result too large".  ``error``: why it is not ok ("failed", "result too large", "result is
    not JSON", "result has the wrong kind").

    It is also near-sdk-py's ``PromiseResult`` (exported under that name): ``status_code`` (1
    succeeded, 2 failed), ``success`` (= ``succeeded``), ``data`` (= ``value``: one reader of
    answers), ``unwrap()``, ``unwrap_or(default)``."""

    def __init__(self, succeeded, ok, raw, error, items=0):
        self.succeeded = self.success = succeeded
        self.status_code = 1 if succeeded else 2
        self.ok = ok
        self.raw = raw
        self.error = error
        self._items = items
        self._value = None
        self._decoded = raw is None

    @property
    def value(self):
        if not self._decoded:
            self._decoded = True
            raw = self.raw  # checked first: json.loads must never raise here (platform.md)
            if raw and _costly(raw, self._items):
                self.ok, self.error = False, "result too large"
            elif raw and strict_json(raw):
                self._value = json.loads(raw)
            elif raw and self.ok:  # not JSON: a near-sdk-py str (raw UTF-8), contract/_text.py
                from ._text import text

                self._value = text(raw)
        return self._value

    data = value  # near-sdk-py's PromiseResult.data: one reader of answers

    def unwrap(self):
        if not self.succeeded:
            raise ContractError("Method " + _state.method + ": promise failed")
        return self.data

    def unwrap_or(self, default):
        return self.data if self.succeeded else default


def read_result(i, limit, kind):
    """Promise result ``i`` as a Result: size and heap bounded before anything is decoded;
    decoded now only to check ``kind``."""
    status, raw = near.promise_result(i)
    if status != 1:
        return Result(False, False, None, "failed")
    items = _items(raw) if raw and len(raw) <= limit else 0
    if len(raw) > limit or items < 0:
        return Result(True, False, None, "result too large")
    r = Result(True, True, raw, None, items)
    if kind is not None:
        r._decoded = True
        if raw and _costly(raw, items):
            return Result(True, False, None, "result too large")
        if raw and not strict_json(raw):
            # a near-sdk-py str leaves as raw UTF-8: a str-kind callback takes it as that text
            v = None
            if kind == STR or kind == ACCOUNT:
                from ._text import text

                v = text(raw)
            if type(v) is not str:
                return Result(True, False, raw, "result is not JSON")
            good, r._value = convert(kind, v)
        else:
            good, r._value = convert(kind, json.loads(raw) if raw else None)
        if not good:
            r.ok, r._value, r.error = False, None, "result has the wrong kind"
    return r


class Operation:
    """The settlement near_safe owes for one safe_call, seen by the callback body through
    ``operation()``.  Everything comes from the record stored when the call left (never from
    the callback's arguments).  ``ok`` starts as "every promise succeeded"; the amounts follow
    from it and the body may lower them (for example refund only the unused part).  At
    settlement each amount must be an int between 0 and what the operation moved for it (a
    refund never includes a deposit that left with the call); otherwise the adjustment is
    logged and the defaults apply."""

    def __init__(self, n, rec, ok):
        self.id = n
        self.caller = rec["u"]
        self.lock = rec.get("l")
        self._rec = rec
        self._ok0 = ok
        self.set_ok(ok)

    def reset(self):
        """Back to the defaults (used when the callback body raised)."""
        self.set_ok(self._ok0)

    def set_ok(self, ok):
        """Recompute the default amounts for success (``ok``) or failure."""
        self.ok = ok
        self.refund = 0 if ok else self._most("r")
        self.credit = self._most("c") if ok else 0
        self.restore = 0 if ok else self._most("d")

    def _most(self, key):
        """What the operation moved for ``key``: the bound of that amount."""
        v = self._rec.get(key)
        if v is None:
            return 0
        return int(v if type(v) is str else v[2])


def open_op(n, results):
    """Start settling operation ``n``: take its record out of storage (a second settlement, a
    callback other than the one named at the call, or another signer's transaction - e.g. a
    self-call chained by the contract's own code with someone else's number - panics)."""
    raw = near.storage_remove(_OP + str(n)) if type(n) is int else None
    rec = json.loads(raw) if raw is not None else None
    if rec is None or rec["t"] != _state.method or rec["s"] != near.signer_account_id():
        near.panic_utf8("Method " + _state.method + ": unknown operation " + str(n))
    ok = True
    for r in results:
        if not r.succeeded:
            ok = False
    _state.op = Operation(n, rec, ok)
    return _state.op


def settle(op):
    """Apply the settlement: unlock, credit (success), restore and refund (failure).  The
    amounts are checked against what the operation moved; a bad adjustment by the callback
    body is logged and replaced by the defaults (a panic here would lose the settlement)."""
    rec = op._rec
    for key, v in (("r", op.refund), ("c", op.credit), ("d", op.restore)):
        if type(v) is not int or v < 0 or v > op._most(key):
            near.log_utf8("Method " + _state.method + ": settlement adjustment refused ("
                          + key + "=" + str(v) + "); the defaults apply")
            op.reset()
            break
    if op.lock:
        near.storage_remove(_state.LOCK + op.lock)
    if op.credit:
        c = rec["c"]
        _state.credit(c[0], c[1], op.credit)
    if op.restore:
        d = rec["d"]
        _state.credit(d[0], d[1], op.restore)
    if op.refund:
        refund(op.caller, op.refund, rec.get("k"))


def refund(account, amount, hold=False):
    """Transfer ``amount`` to ``account`` when that is safe: enough gas left for the transfer
    and the contract stays covered for storage (a LackBalanceForState would roll back the whole
    callback, docs/protocol.md 6).  Otherwise record it as claimable (``claim()`` pays it out).
    Inside a callback body the transfer is sent when the body returns.  A transfer to an account
    that no longer exists fails and NEAR returns the amount to this contract, where no ledger owns
    it (docs/safety.md, threat model)."""
    if _state.readonly is not None:
        _state.write_refused()
    if MAX_SEND is not None and amount > MAX_SEND:
        hold = True  # nearc 0.10's CPython backend cannot send it in one action (MAX_SEND)
    if not hold and near.prepaid_gas() - near.used_gas() >= REFUND_GAS and (
        near.account_balance() - amount
        >= (near.storage_usage() + 200) * STORAGE_BYTE_COST
    ):
        _state.promise(lambda: _transfer(account, amount))
        return True
    _state.credit(CLAIM, account, amount)
    near.log_utf8("refund of " + str(amount) + " to " + account + " is claimable")
    return False


def _transfer(account, amount):
    p = near.promise_batch_create(account)
    near.promise_batch_action_transfer(p, amount)
    return p


def claim():
    """Pay the caller's claimable refunds (use in a ``@call`` method of your contract)."""
    if _state.readonly is not None:
        _state.write_refused()
    who = near.predecessor_account_id()
    amount = _state.balance(CLAIM, who)
    if not amount:
        raise ContractError("Method " + _state.method + ": nothing to claim")
    if MAX_SEND is not None and amount > MAX_SEND:
        amount = MAX_SEND  # the rest stays claimable (nearc 0.10's CPython backend)
    _state.debit(CLAIM, who, amount)
    _state.promise(lambda: _transfer(who, amount))
    return str(amount)
