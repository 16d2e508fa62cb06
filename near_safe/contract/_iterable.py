"""near-sdk-py 1.0.0's iterable collections (UnorderedMap / IterableMap, UnorderedSet /
IterableSet, TreeMap) on near_safe's state (contract side, MicroPython-safe).  Loaded by
``_collections``' ``__getattr__`` on first use, so a contract using only Vector, LookupMap or
LookupSet does not pay for defining these classes on every call (about 0.2 Tgas, measured in
the Wasm).  Layout and behaviour: ``_collections.py``."""

from . import _state
from ._collections import LookupMap, LookupSet, Vector, _dec, _enc
from ._state import ContractError


def _listed(coll, name):
    coll._list = Vector(coll._prefix + ":" + name)
    coll._ix = coll._prefix + ":indices:"


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
    index = _dec(raw)
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
    _type = "u"
    _inner = ("keys", "indices")
    _track = _list_add
    _forget = _list_drop

    def __init__(self, prefix):
        LookupMap.__init__(self, prefix)
        _listed(self, "keys")

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
    _type = "o"
    _inner = ("values", "indices")
    _track = _list_add
    _forget = _list_drop

    def __init__(self, prefix):
        LookupSet.__init__(self, prefix)
        _listed(self, "values")

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
