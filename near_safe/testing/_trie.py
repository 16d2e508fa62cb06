"""Trie-node accounting of contract storage: a Merkle-Patricia trie model of the state, so that
``storage_write`` / ``storage_remove`` charge ``touching_trie_node`` for each node nearcore
would read (docs/protocol.md 5.4, docs/gas-model.md "Storage: the trie model").

What nearcore charges (near-vm-runner ``logic.rs``; core/store ``trie/mod.rs``,
``trie/accounting_cache.rs``):

* ``storage_write`` and ``storage_remove`` first look the key up *through the trie*
  (``StorageGetMode::Trie``) and then dereference the old value: every trie node on the key's
  path (root to the leaf, or to the node where the lookup fails) and the old value count once.
  A node or value already read by a function call of the same chunk counts as
  ``read_cached_trie_node``, any other as ``touching_trie_node`` (``TrieAccountingCache``: the
  chunk cache, keyed by node/value hash, enabled during function calls only).
* ``storage_read`` and ``storage_has_key`` go through flat storage (``FlatStorageReads``):
  no trie node is charged.  A value a read returns still enters the chunk cache (its ``deref``
  is accounted after the read's node delta was taken), so a later write of the same key in the
  same chunk finds the old value cached.
* A key written or removed earlier in the chunk is served from the ``TrieUpdate``'s pending
  changes: no node at all.

The trie holds every key of the state (``trie_key.rs`` ``TrieKey::to_vec``): ``0 + account``
(Account), ``1 + account`` (ContractCode), ``2 + account + 2 + borsh(public key)`` (AccessKey),
``9 + account + ',' + key`` (ContractData), ... .  Keys are read in nibbles.  Since every
column byte is below 16, all keys share the first nibble: the root is an extension of one
nibble and the next node a branch on the column (2 nodes).  Under column 9, accounts with data
form one subtree each (',' never occurs in an account id), so a contract-data lookup visits

    2  +  the nodes of column 9 above the account's own keys  +  the nodes of its own subtree

:func:`prefix_nodes` counts the middle term from the ids of the accounts that hold data;
:class:`NibbleTrie` is the account's own subtree, kept per storage version (persistent: a
write copies only the path it changes, so snapshots share everything else).
:func:`state_trie_keys` lists a state's full key set, and a test checks the composed count
against one trie of all of them.

Modelled per function-call receipt: the chunk cache and the pending-change set start empty
with each call (nearcore keeps both for a whole chunk, so two receipts of one block touching the
same contract pay a little less there).  Identical subtrees or values under two accounts
share a hash (and a cache entry) in nearcore; here nodes are told apart by position.

CPython only.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

COL_ACCOUNT, COL_CODE, COL_ACCESS_KEY, COL_DATA = 0, 1, 2, 9
DATA_SEPARATOR = b","
TOP_NODES = 2  # the root extension (nibble 0) and the branch on the column nibble
_SEP_HEX = DATA_SEPARATOR.hex()


# ---------------------------------------------------------------------------------- nodes
# Paths are hex strings: one character per nibble.


class Leaf:
    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path


class Ext:
    __slots__ = ("path", "child")

    def __init__(self, path: str, child):
        self.path = path
        self.child = child  # always a Branch


class Branch:
    __slots__ = ("children", "value")

    def __init__(self, children: tuple, value: bool):
        self.children = children  # 16 entries, None or a node
        self.value = value  # a key ends here (BranchWithValue)


_EMPTY = (None,) * 16


def _lcp(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _prefixed(path: str, node):
    """``node`` moved ``path`` nibbles down, in canonical form (no extension above a leaf or
    an extension: their paths merge)."""
    if not path or node is None:
        return node
    t = type(node)
    if t is Leaf:
        return Leaf(path + node.path)
    if t is Ext:
        return Ext(path + node.path, node.child)
    return Ext(path, node)


def _branch(children: list, value: bool):
    """A branch, or what it collapses to when it holds fewer than two entries."""
    live = [i for i, c in enumerate(children) if c is not None]
    if len(live) >= 2 or (live and value):
        return Branch(tuple(children), value)
    if not live:
        return Leaf("") if value else None
    i = live[0]
    return _prefixed("0123456789abcdef"[i], children[i])


def _build(keys: list):
    """Canonical trie of distinct sorted nibble strings."""
    if not keys:
        return None
    if len(keys) == 1:
        return Leaf(keys[0])
    c = _lcp(keys[0], keys[-1])
    value = False
    groups: dict = {}
    for k in keys:
        if len(k) == c:
            value = True
        else:
            groups.setdefault(k[c], []).append(k[c + 1:])
    children = [None] * 16
    for h, group in groups.items():
        children[int(h, 16)] = _build(group)
    return _prefixed(keys[0][:c], Branch(tuple(children), value))


def _insert(node, nib: str):
    if node is None:
        return Leaf(nib)
    t = type(node)
    if t is Leaf:
        if node.path == nib:
            return node
        return _build(sorted((node.path, nib)))
    if t is Ext:
        p = node.path
        c = _lcp(p, nib)
        if c == len(p):
            child = _insert(node.child, nib[c:])
            return node if child is node.child else Ext(p, child)
        children = [None] * 16
        children[int(p[c], 16)] = _prefixed(p[c + 1:], node.child)
        rest = nib[c:]
        value = not rest
        if rest:
            children[int(rest[0], 16)] = Leaf(rest[1:])
        return _prefixed(p[:c], Branch(tuple(children), value))
    if not nib:
        return node if node.value else Branch(node.children, True)
    i = int(nib[0], 16)
    old = node.children[i]
    new = _insert(old, nib[1:])
    if new is old:
        return node
    children = list(node.children)
    children[i] = new
    return Branch(tuple(children), node.value)


def _remove(node, nib: str):
    if node is None:
        return None
    t = type(node)
    if t is Leaf:
        return None if node.path == nib else node
    if t is Ext:
        p = node.path
        if not nib.startswith(p):
            return node
        child = _remove(node.child, nib[len(p):])
        return node if child is node.child else _prefixed(p, child)
    if not nib:
        return _branch(list(node.children), False) if node.value else node
    i = int(nib[0], 16)
    old = node.children[i]
    if old is None:
        return node
    new = _remove(old, nib[1:])
    if new is old:
        return node
    children = list(node.children)
    children[i] = new
    return _branch(children, node.value)


def lookup(root, nib: str) -> list:
    """The nodes a nearcore lookup of ``nib`` reads, root first (``lookup_from_state_column``:
    the walk stops at the leaf, or where the key leaves the trie)."""
    visited = []
    node = root
    while node is not None:
        visited.append(node)
        t = type(node)
        if t is Leaf:
            break
        if t is Ext:
            p = node.path
            if not nib.startswith(p):
                break
            nib = nib[len(p):]
            node = node.child
            continue
        if not nib:
            break
        node = node.children[int(nib[0], 16)]
        nib = nib[1:]
    return visited


class NibbleTrie:
    """An immutable Merkle-Patricia trie (shape only: which keys exist) over byte keys.
    ``with_changes`` returns a new trie sharing every node off the changed paths."""

    __slots__ = ("root", "prefix")

    def __init__(self, root=None, prefix: bytes = b""):
        self.root = root
        self.prefix = prefix.hex()

    @classmethod
    def of(cls, keys, prefix: bytes = b"") -> "NibbleTrie":
        p = prefix.hex()
        t = cls(None, prefix)
        t.root = _build(sorted(p + k.hex() for k in keys))
        return t

    def nodes(self, key: bytes) -> list:
        """The nodes a lookup of ``key`` reads (see :func:`lookup`)."""
        return lookup(self.root, self.prefix + key.hex())

    def with_changes(self, present: dict, keys) -> "NibbleTrie":
        """The trie after ``keys`` were written (key in ``present``) or removed (not in it)."""
        root = self.root
        p = self.prefix
        for k in keys:
            nib = p + k.hex()
            root = _insert(root, nib) if k in present else _remove(root, nib)
        t = NibbleTrie.__new__(NibbleTrie)
        t.root, t.prefix = root, p
        return t

    def count(self) -> int:
        """Nodes in the trie (for tests and docs)."""
        n, stack = 0, [self.root]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            n += 1
            if type(node) is Ext:
                stack.append(node.child)
            elif type(node) is Branch:
                stack.extend(node.children)
        return n


# ---------------------------------------------------------------------------------- storage


class Storage(dict):
    """A contract's data ``{key: value}`` together with the trie of its keys (the account's
    subtree under column 9, prefixed by the ',' separator).  The VM returns one after a call
    that wrote; any other dict gets its trie built on first use (:func:`data_trie`)."""

    __slots__ = ("trie",)


_PLAIN: dict = {}  # id(plain dict) -> (dict, trie): tries of dicts that are not a Storage
_PLAIN_MAX = 16


def data_trie(storage: dict) -> NibbleTrie:
    """The trie of ``storage``'s keys: carried by a :class:`Storage`, built once (and kept for
    the last few dicts) otherwise."""
    trie = getattr(storage, "trie", None)
    if trie is not None:
        return trie
    hit = _PLAIN.get(id(storage))
    if hit is not None and hit[0] is storage and hit[2] == len(storage):
        return hit[1]
    trie = NibbleTrie.of(storage, DATA_SEPARATOR)
    if len(_PLAIN) >= _PLAIN_MAX:
        _PLAIN.pop(next(iter(_PLAIN)))
    _PLAIN[id(storage)] = (storage, trie, len(storage))
    return trie


# ---------------------------------------------------------------------------------- column 9


def _depths(g: str, others) -> list:
    return sorted({_lcp(g, o) for o in others})


def prefix_nodes(account_id: str, data_accounts) -> tuple:
    """``(nodes, flush)`` for the contract-data lookups of ``account_id``.

    ``nodes``: the trie nodes read before the account's own subtree, as tokens that name their
    position (the chunk cache counts a node once, whichever account's lookup read it): the root
    extension and the column branch, then the extensions and branches of column 9 that separate
    the accounts holding data (``data_accounts``: their ids; whether ``account_id`` is among
    them decides where the walk ends).  A branch sits on the account's path at each depth (in
    nibbles) where ``account,`` parts from another account's ``other,``; an extension precedes
    a branch unless the branch directly follows the previous one.

    ``flush``: the last such branch consumed the separator's last nibble (',' is 0x2c, '-' and
    '.' are 0x2d and 0x2e), so the account's subtree starts without the extension that
    :class:`NibbleTrie` puts over its ',' (:func:`data_nodes` drops it)."""
    g = (account_id.encode() + DATA_SEPARATOR).hex()
    mine = False
    others = []
    for a in data_accounts:
        if a == account_id:
            mine = True
        else:
            others.append((a.encode() + DATA_SEPARATOR).hex())
    nodes = ["root", "column"]
    if not others:
        return nodes, False
    depths = _depths(g, others)
    start = 0
    for d in depths:
        if d > start:
            nodes.append(("9", g[:start]))  # extension
        nodes.append(("9", g[:d]))  # branch
        start = d + 1
    if mine:
        return nodes, start == len(g)
    # the account holds no data: the walk ends at the deepest node on its path, depth m.  If
    # the accounts closest to it branch there, that is the branch; otherwise one node (an
    # extension or another account's subtree) spans m where, with this account's data, the
    # branch and the extension before it would be.
    m = depths[-1]
    closest = {o[m] for o in others if _lcp(g, o) == m and len(o) > m}
    if len(closest) >= 2:
        return nodes, False
    before = depths[-2] + 1 if len(depths) > 1 else 0
    if m > before:
        nodes.pop()  # the extension before it is the node that spans depth m
    return nodes, False


def data_nodes(trie: NibbleTrie, key: bytes, flush: bool) -> list:
    """The nodes of the account's own subtree a lookup of ``key`` reads (see
    :func:`prefix_nodes` for ``flush``)."""
    nodes = trie.nodes(key)
    if flush and nodes and type(nodes[0]) is Ext and nodes[0].path == _SEP_HEX:
        return nodes[1:]
    return nodes


# ---------------------------------------------------------------------------------- whole state


def state_trie_keys(accounts: dict) -> list:
    """Every trie key of ``accounts`` (``{id: Account}``, testing/_state.py) as nearcore
    encodes it: Account, ContractCode, AccessKey, ContractData."""
    keys = []
    for aid, acc in accounts.items():
        a = aid.encode()
        keys.append(bytes([COL_ACCOUNT]) + a)
        if acc.code is not None or acc.code_hash is not None:
            keys.append(bytes([COL_CODE]) + a)
        for pk in acc.keys:
            keys.append(bytes([COL_ACCESS_KEY]) + a + bytes([COL_ACCESS_KEY]) + bytes(pk))
        for k in acc.data:
            keys.append(bytes([COL_DATA]) + a + DATA_SEPARATOR + bytes(k))
    return keys


def data_key(account_id: str, key: bytes) -> bytes:
    """nearcore's ContractData trie key."""
    return bytes([COL_DATA]) + account_id.encode() + DATA_SEPARATOR + key


def state_nodes(accounts: dict, account_id: str, key: bytes,
                trie: Optional[NibbleTrie] = None) -> int:
    """Nodes a lookup of ``account_id``'s data ``key`` reads in ONE trie of the whole state
    (a reference for tests; the runtime uses :func:`prefix_nodes` plus the account's trie)."""
    trie = trie or NibbleTrie.of(state_trie_keys(accounts))
    return len(trie.nodes(data_key(account_id, key)))


# ---------------------------------------------------------------------------------- chunks


class Chunk:
    """What nearcore keeps for one chunk: the nodes and values function calls have read
    (``seen``: the accounting cache) and, per account touched, the trie of its data at the
    chunk's start, the nodes above it and the keys written or removed since (pending
    changes, served without reading the trie)."""

    __slots__ = ("key", "seen", "accounts", "data_accounts")

    def __init__(self, key=None, data_accounts=None):
        self.key = key
        self.seen: set = set()
        self.accounts: dict = {}
        self.data_accounts = data_accounts  # () -> ids of the accounts holding data

    def account(self, account_id: str, storage: dict) -> list:
        """[trie at the chunk's start, prefix tokens, flush, pending keys] of one account."""
        entry = self.accounts.get(account_id)
        if entry is None:
            ids = self.data_accounts() if self.data_accounts else (
                (account_id,) if storage else ())  # no runtime: the only account
            tokens, flush = _prefix_cached(account_id, ids)
            entry = self.accounts[account_id] = [data_trie(storage), tokens, flush, set()]
        return entry


def chunk_of(current: Optional[Chunk], state, height: int) -> Chunk:
    """``current`` if it is the chunk of ``state`` (a testing/_state.py State, compared by
    identity: a restored snapshot starts afresh) at block ``height``, else a new one."""
    if current is not None and current.key[0] is state and current.key[1] == height:
        return current
    accounts = state.accounts
    return Chunk((state, height), lambda: tuple(a for a, acc in accounts.items() if acc.data))


@lru_cache(maxsize=1024)
def _prefix_cached(account_id: str, data_accounts: tuple) -> tuple:
    """prefix_nodes, remembered: the accounts holding data rarely change between blocks."""
    tokens, flush = prefix_nodes(account_id, data_accounts)
    return tuple(tokens), flush
