"""near-sdk-py 1.0.0's collections on near_safe's state (contract side, MicroPython-safe; loaded
through the package root's ``__getattr__`` only by contracts that name a collection).
UnorderedMap, UnorderedSet and TreeMap are defined on first use (``_define``, below).

Same names, methods and storage layout as ``near_sdk_py.collections`` (a contract that moves
from near-sdk-py's collections to these keeps its data, and back):

* ``PREFIX:meta`` holds ``{'type': T, 'length': N, 'version': '1.0.0'}`` (T: v Vector, m
  LookupMap, u UnorderedMap, s LookupSet, o UnorderedSet, t TreeMap);
* an element lives at ``PREFIX:KEY`` (``str(key)``; a Vector's at ``PREFIX:INDEX``), its value
  written as on chain near-sdk-py's ``pickle`` writes it: ``repr(value)``, read back with
  ``eval`` (so values are what ``repr`` round-trips: None, bool, int, float, str, bytes, list,
  tuple, dict, set);
* UnorderedMap / TreeMap keep their keys in the Vector ``PREFIX:keys``, UnorderedSet its
  values in ``PREFIX:values``; Unordered* keep each key's index at ``PREFIX:indices:KEY``.

What differs, on purpose:

* reads and writes go through near_safe's ``state``: a view cannot write, a raising callback
  body's writes are dropped with its other writes, inf/nan are refused;
* nothing is written until the collection changes (near-sdk-py writes the metadata when the
  collection object is made, on every call of an UnorderedSet, views included);
* a prefix that would put keys under ``_ns:`` (near_safe's own records: claimable refunds,
  in-flight operations, locks) is refused, and so is a key that would land on the collection's
  own records (``meta``; ``keys:...`` / ``values:...`` / ``indices:...`` in the iterable ones):
  near-sdk-py lets such a key overwrite the length or the key list;
* TreeMap.range(from_key) with no key >= from_key is empty (near-sdk-py returns every key).

``eval`` reads the stored text, as near-sdk-py's ``pickle`` does, but text whose evaluation
would call anything (planted by a raw write under a collection's prefix: ``Storage.set``,
``near.storage_write`` with a caller's key and value) is refused before it runs (``_callless``);
still, never let a caller write raw bytes there: such text can fail every read of its key.
Iteration streams (generators) where near-sdk-py's does; a Vector slice and TreeMap's keys() /
values() / items() / range() build lists, as near-sdk-py's do.  Every element read is paid in
gas (a storage read and an ``eval``) and its garbage stays until the call ends (near_safe's
port grows the heap instead of collecting, patch 0004): read pages, not whole collections.
"""

from . import _state
from ._state import ContractError


def _enc(value):
    text = repr(value)
    if text[0] == "<" or ("inf" in text or "nan" in text or "Infinity" in text
                          or "NaN" in text) and not _state._finite(value):
        raise ContractError("Method " + _state.method + ": " + text[:40]
                            + " cannot be stored in a collection")
    return text


def _dec(raw, key):
    """``eval`` of the stored text at ``key`` (as MicroPython's pickle.loads), with the common
    cases read directly: an ``eval`` costs about 170 Ggas, these about 5.  Text whose
    evaluation would call anything is refused (``_callless``): what ``repr`` writes never
    does, but raw bytes planted under a collection's prefix could."""
    s = raw.decode()
    if len(s) > 1 and s[0] == "'" and s[-1] == "'" and "\\" not in s:
        return s[1:-1]  # repr of a str: no ' inside unless escaped
    if s.isdigit():
        return int(s)
    if "(" in s and not _callless(s):  # no call is written without "(" (f-strings included)
        raise ContractError("Method " + _state.method + ": the value at " + key
                            + " cannot be read: it would call code")
    return eval(s, {})


def _callless(s):
    """True when evaluating ``s`` calls nothing: outside string literals every ``(`` opens a
    tuple (after nothing, ``(``, ``[``, ``{``, ``,`` or ``:``) or is ``set()``, and no literal
    is an f-string (a quote right after a letter other than ``b``).  What would make Python's
    reading of the literals differ from this one's (triple quotes, a ``#`` comment) is refused:
    ``repr`` writes neither."""
    q = ""  # the quote of the string literal we are in
    prev = ""  # the last non-space character outside literals
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if q:
            if c == "\\":
                i += 1
            elif c == q:
                q = ""
                prev = c
        elif c == "'" or c == '"':
            if (prev.isalpha() and not (prev == "b" and (i < 2 or not s[i - 2].isalpha()))
                    or s[i + 1:i + 3] == c + c):  # a prefix repr never writes; triple quotes
                return False
            q = c
        elif c == "#":  # a comment would hide quotes from this scan, not from eval
            return False
        elif c == "(":
            if prev and prev not in "([{,:":
                if not (s[i - 3:i] == "set" and s[i + 1:i + 2] == ")"
                        and (i < 4 or s[i - 4] in " ([{,:")):
                    return False
        elif c != " ":
            prev = c
        i += 1
    return True


class _Collection:
    _type = ""
    _inner = ()  # key heads of the collection's own records (besides meta)

    def __init__(self, prefix):
        p = str(prefix)
        if not prefix or (p + ":").startswith("_ns:"):
            raise ContractError("Method " + _state.method + ": collection prefix "
                                + (p + " is reserved by near_safe" if prefix else "is empty"))
        self._prefix = p
        self._meta = p + ":meta"

    def _key(self, key):
        s = str(key)
        if s == "meta" or ":" in s and s[:s.find(":")] in self._inner:
            raise ContractError("Method " + _state.method + ": collection key " + s
                                + " is reserved by the collection")
        return self._prefix + ":" + s

    def _len(self):
        raw = _state.read(self._meta)
        if raw is None:
            return 0
        i = raw.find(b"'length': ") + 10  # the dict's text, read without eval
        if i < 10:
            return int(_dec(raw, self._meta).get("length", 0))
        j = raw.find(b",", i)
        return int(raw[i:j if j > 0 else raw.find(b"}", i)])

    def _set_len(self, n):
        _state.write(self._meta, "{'type': '" + self._type + "', 'length': " + str(n)
                     + ", 'version': '1.0.0'}")

    def _put(self, key, text, always):
        k = self._key(key)
        if _state.has(k):
            if always:
                _state.write(k, text)
            return
        _state.write(k, text)
        self._track(key)
        self._set_len(self._len() + 1)

    def _drop(self, key):
        k = self._key(key)
        if not _state.has(k):
            raise KeyError(key)
        self._forget(key)
        _state.remove(k)
        self._set_len(self._len() - 1)

    def _track(self, key):  # the iterable ones list their keys
        pass

    _forget = _track

    def __len__(self):
        return self._len()

    def is_empty(self):
        return self._len() == 0


class Vector(_Collection):
    _type = "v"

    def _at(self, i):
        return self._prefix + ":" + str(i)

    def _read(self, i):
        raw = _state.read(self._at(i))
        if raw is None:
            raise ContractError("Missing value for index " + str(i))
        return _dec(raw, self._at(i))

    def _index(self, index, n):
        if not isinstance(index, int):
            raise TypeError("Vector index must be int")
        if index < 0:
            index += n
        if index < 0 or index >= n:
            raise IndexError("Vector index out of range")
        return index

    def __getitem__(self, index):
        n = self._len()
        if isinstance(index, slice):
            return [self._read(i) for i in range(n)[index]]
        return self._read(self._index(index, n))

    def __setitem__(self, index, value):
        _state.write(self._at(self._index(index, self._len())), _enc(value))

    def get(self, index, default=None):
        # no try/except IndexError: eval of a planted value could raise one from a builtin, and
        # a caught builtin exception can corrupt nearc's port (platform.md)
        n = self._len()
        if isinstance(index, int) and not -n <= index < n:
            return default
        return self[index]

    def append(self, value):
        n = self._len()
        _state.write(self._at(n), _enc(value))
        self._set_len(n + 1)

    def extend(self, items):
        n = i = self._len()
        for item in items:
            _state.write(self._at(i), _enc(item))
            i += 1
        if i > n:
            self._set_len(i)

    def _remove(self, index, swap, empty):
        n = self._len()
        if n == 0:
            raise IndexError(empty + " from empty Vector")
        index = self._index(index, n)
        value = self._read(index)
        last = self._at(n - 1)
        if index < n - 1:
            if swap:
                _state.write(self._at(index), _state.read(last))
            else:
                for i in range(index, n - 1):
                    _state.write(self._at(i), _state.read(self._at(i + 1)))
        _state.remove(last)
        self._set_len(n - 1)
        return value

    def pop(self, index=-1):
        return self._remove(index, False, "pop")

    def swap_remove(self, index):
        return self._remove(index, True, "swap_remove")

    def clear(self):
        for i in range(self._len()):
            _state.remove(self._at(i))
        self._set_len(0)

    def __iter__(self):
        for i in range(self._len()):
            yield self._read(i)


class LookupMap(_Collection):
    _type = "m"

    def __getitem__(self, key):
        k = self._key(key)
        raw = _state.read(k)
        if raw is None:
            raise KeyError(key)
        return _dec(raw, k)

    def get(self, key, default=None):
        k = self._key(key)
        raw = _state.read(k)
        return default if raw is None else _dec(raw, k)

    def __setitem__(self, key, value):
        self._put(key, _enc(value), True)

    def set(self, key, value):
        self[key] = value

    def __delitem__(self, key):
        self._drop(key)

    def __contains__(self, key):
        return _state.has(self._key(key))

    def remove(self, key):
        k = self._key(key)
        raw = _state.read(k)
        if raw is None:
            return None
        del self[key]
        return _dec(raw, k)

    def clear(self):  # near-sdk-py's: a LookupMap cannot list its keys; the values stay
        self._set_len(0)


class LookupSet(_Collection):
    _type = "s"

    def __contains__(self, value):
        return _state.has(self._key(value))

    def add(self, value):
        self._put(value, "True", False)

    def remove(self, value):
        self._drop(value)

    def discard(self, value):
        if value in self:
            self._drop(value)

    def clear(self):  # near-sdk-py's: the values stay
        self._set_len(0)


# --- UnorderedMap / IterableMap, UnorderedSet / IterableSet, TreeMap ----------------------------
# Defined by _define() when a contract first names one (the module's __getattr__): every class
# and function defined is paid on every call, so a contract using only Vector, LookupMap or
# LookupSet does not define these (about 0.2 Tgas a call; a second module instead would cost
# their users about 0.1 Tgas more: measured in the Wasm).


def _define():
    global _listed, _list_add, _list_drop, _page, _clear, UnorderedMap, UnorderedSet, TreeMap
    global IterableMap, IterableSet

    def _listed(base, name):
        """The __init__ of an iterable collection: ``base``'s, then its list ``PREFIX:name``
        and the index records ``PREFIX:indices:KEY``."""
        def __init__(coll, prefix):
            base.__init__(coll, prefix)
            coll._list = Vector(coll._prefix + ":" + name)
            coll._ix = coll._prefix + ":indices:"

        return __init__


    def _list_add(coll, item):
        """Append a new key (value) to the collection's list and record its index."""
        lst = coll._list
        n = lst._len()
        lst.append(item)
        _state.write(coll._ix + str(item), str(n))


    def _list_drop(coll, item):
        """Swap-remove ``item`` from the list, moving the last one's index (near-sdk-py's order)."""
        lst = coll._list
        ik = coll._ix + str(item)
        raw = _state.read(ik)
        if raw is None:
            if coll._type == "o":
                raise ContractError("Inconsistent contract state: value index not found.")
            for i, k in enumerate(lst):  # near-sdk-py's UnorderedMap looks for it
                if k == item:
                    lst.swap_remove(i)
                    return
            return
        index = _dec(raw, ik)
        n = lst._len()
        if index < n:
            if index != n - 1:
                _state.write(coll._ix + str(lst._read(n - 1)), str(index))
            lst.swap_remove(index)
        _state.remove(ik)


    def _page(lst, start, limit):
        n = lst._len()
        end = n if limit is None else min(start + limit, n)
        for i in range(start, end):
            yield lst._read(i)


    def _clear(coll, index):
        for item in coll._list:
            _state.remove(coll._key(item))
            if index:
                _state.remove(coll._ix + str(item))
        coll._list.clear()
        coll._set_len(0)


    class UnorderedMap(LookupMap):
        _type, _inner = "u", ("keys", "indices")
        _track, _forget = _list_add, _list_drop
        __init__ = _listed(LookupMap, "keys")

        def __iter__(self):
            return iter(self._list)

        def keys(self):
            return iter(self._list)

        def values(self):
            for key in self._list:
                yield self[key]

        def items(self, start_index=0, limit=None):
            for key in _page(self._list, start_index, limit):
                yield (key, self[key])

        def seek(self, start_index=0, limit=None):
            return self.items(start_index, limit)

        def clear(self):
            _clear(self, True)


    class UnorderedSet(LookupSet):
        _type, _inner = "o", ("values", "indices")
        _track, _forget = _list_add, _list_drop
        __init__ = _listed(LookupSet, "values")

        def values(self, start_index=0, limit=None):
            return _page(self._list, start_index, limit)

        def __iter__(self):
            return _page(self._list, 0, None)

        def seek(self, start_index=0, limit=None):
            return _page(self._list, start_index, limit)

        def clear(self):
            _clear(self, True)


    class TreeMap(LookupMap):
        """Keys kept sorted in ``PREFIX:keys`` (binary search; an insert or delete shifts the keys
        after it, as near-sdk-py's does).  Keys must compare with each other (all str, or all
        numbers)."""

        _type = "t"
        _inner = ("keys",)

        def __init__(self, prefix):
            LookupMap.__init__(self, prefix)
            self._list = Vector(self._prefix + ":keys")

        def _find(self, key):
            lo, hi = 0, self._list._len() - 1
            while lo <= hi:
                mid = (lo + hi) // 2
                k = self._list._read(mid)
                if k == key:
                    return mid
                if k < key:
                    lo = mid + 1
                else:
                    hi = mid - 1
            return lo

        def _track(self, key):
            lst = self._list
            index, n = self._find(key), lst._len()
            lst.append(key)  # at n; shifted into place below
            if index < n:
                for i in range(n, index, -1):
                    _state.write(lst._at(i), _state.read(lst._at(i - 1)))
                _state.write(lst._at(index), _enc(key))

        def _forget(self, key):
            lst = self._list
            index, n = self._find(key), lst._len()
            if index < n and lst._read(index) == key:
                lst.pop(index)

        def __iter__(self):
            return iter(self._list)

        def keys(self):
            return list(self._list)

        def values(self):
            return [self[k] for k in self._list]

        def items(self):
            return [(k, self[k]) for k in self._list]

        def clear(self):
            _clear(self, False)

        def min_key(self):
            n = self._list._len()
            return self._list._read(0) if n else None

        def max_key(self):
            n = self._list._len()
            return self._list._read(n - 1) if n else None

        def floor_key(self, key):
            """The greatest key <= ``key``, or None."""
            lst = self._list
            index, n = self._find(key), lst._len()
            if index < n:
                k = lst._read(index)
                if k == key:
                    return k
            return lst._read(index - 1) if index > 0 else None

        def ceiling_key(self, key):
            """The least key >= ``key``, or None."""
            index = self._find(key)
            return self._list._read(index) if index < self._list._len() else None

        def range(self, from_key=None, to_key=None):
            """The keys k with from_key <= k < to_key (None: no bound), in order."""
            out = []
            for k in self._list:
                if to_key is not None and k >= to_key:
                    break
                if from_key is None or k >= from_key:
                    out.append(k)
            return out


    IterableMap = UnorderedMap
    IterableSet = UnorderedSet


def __getattr__(name):
    if name in ("UnorderedMap", "IterableMap", "UnorderedSet", "IterableSet", "TreeMap"):
        _define()
        return globals()[name]
    raise AttributeError(name)
