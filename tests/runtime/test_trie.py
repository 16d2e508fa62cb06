"""The trie model behind storage gas (testing/_trie.py, docs/protocol.md 5.4): the incremental
tries match tries built from scratch, the composed count matches one trie of the whole state,
and the node counts of nearcore's own worked examples come out."""

import random
import struct

import pytest

from near_safe.testing import NEAR, TGAS, Config, FunctionCall, Runtime
from near_safe.testing import _trie as T


def shape(node):
    if node is None:
        return None
    if type(node) is T.Leaf:
        return ("L", node.path)
    if type(node) is T.Ext:
        return ("E", node.path, shape(node.child))
    return ("B", node.value, tuple(shape(c) for c in node.children))


@pytest.mark.parametrize("alphabet", [b"ab", b"ab:", bytes(range(256))])
def test_writes_and_removes_leave_the_trie_built_from_scratch(alphabet):
    """Path copying keeps the canonical form: after every change the trie has exactly the
    shape nearcore's trie of the same keys has (extensions merged, branches collapsed)."""
    rnd = random.Random(len(alphabet))
    for _ in range(100):
        keys: set = set()
        trie = T.NibbleTrie.of([], T.DATA_SEPARATOR)
        for _ in range(rnd.randint(1, 40)):
            k = bytes(rnd.choice(alphabet) for _ in range(rnd.randint(0, 4)))
            (keys.add if rnd.random() < 0.6 else keys.discard)(k)
            old = trie
            old_shape = shape(old.root)
            trie = trie.with_changes(keys, [k])
            assert shape(trie.root) == shape(T.NibbleTrie.of(keys, T.DATA_SEPARATOR).root)
            assert shape(old.root) == old_shape  # the old version is untouched (snapshots)


def test_a_lookup_reads_the_nodes_on_the_path():
    """Two keys ',a' and ',b' (nibbles 2c61, 2c62): extension '2c6', branch, leaf - the walk
    of lookup_from_state_column; a missing key stops where it leaves the trie."""
    trie = T.NibbleTrie.of([b"a", b"b"], T.DATA_SEPARATOR)
    assert [type(n).__name__ for n in trie.nodes(b"a")] == ["Ext", "Branch", "Leaf"]
    assert [type(n).__name__ for n in trie.nodes(b"c")] == ["Ext", "Branch"]  # no child 3
    assert [type(n).__name__ for n in trie.nodes(b"\x00")] == ["Ext"]  # leaves at '2c6'
    assert trie.count() == 4


def _state(rnd):
    rt = Runtime()
    names = ["aa", "bb", "aab", "aa-b", "bb.c", "bb-c", "alice.near", "alice2.near", "x.test.near"]
    for name in rnd.sample(names, rnd.randint(2, len(names))):
        rt.create_account(name, balance=NEAR)
        if rnd.random() < 0.7:
            rt.patch_state(name, data={bytes(rnd.choice(b"kx:") for _ in range(rnd.randint(0, 3))):
                                       b"v" for _ in range(rnd.randint(1, 5))})
    return rt._state.accounts


def test_the_composed_count_is_the_count_in_one_trie_of_the_whole_state():
    """Accounts, access keys and contract data in ONE trie (TrieKey::to_vec encodings): a data
    lookup reads as many nodes as prefix_nodes + the account's own trie say, for present and
    absent keys, accounts with and without data, ids that share prefixes, '-' and '.' (whose
    first nibble is the separator's)."""
    rnd = random.Random(7)
    checked = 0
    for _ in range(150):
        accounts = _state(rnd)
        whole = T.NibbleTrie.of(T.state_trie_keys(accounts))
        holding = [a for a, acc in accounts.items() if acc.data]
        for aid, acc in accounts.items():
            tokens, flush = T.prefix_nodes(aid, holding)
            assert len(set(map(str, tokens))) == len(tokens)
            for key in list(acc.data) + [b"", b"k", b"zz", b"kk:"]:
                mine = len(tokens) + len(T.data_nodes(T.data_trie(acc.data), key, flush))
                assert mine == T.state_nodes(accounts, aid, key, whole), (aid, key, holding)
                checked += 1
    assert checked > 1000


def _writer() -> str:
    """near-test-contracts' write_key_value: input = key u64 ++ value u64 (little endian);
    read_then_write reads the key first, write_twice writes it twice.  Only the host functions
    every protocol version links."""
    s = 64
    put = (f"(drop (call $storage_write (i64.const 8) (i64.const {s}) (i64.const 8) "
           f"(i64.const {s + 8}) (i64.const 1)))")
    get = f"(drop (call $storage_read (i64.const 8) (i64.const {s}) (i64.const 2)))"
    head = f"(call $input (i64.const 0)) (call $read_register (i64.const 0) (i64.const {s}))"
    return f"""(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_read" (func $storage_read (param i64 i64 i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "write_key_value") {head} {put})
  (func (export "read_then_write") {head} {get} {put})
  (func (export "write_twice") {head} {put} {put}))"""


def _args(key: int, value: int) -> bytes:
    return struct.pack("<QQ", key, value)


def _nodes(receipt, config: Config) -> tuple:
    """(touching, cached) trie nodes of a receipt, from its gas profile (as nearcore's tests
    read them back from ProfileDataV3)."""
    host = receipt.gas_profile["wasm_host"]
    c = config.ext_costs
    touched, r1 = divmod(host.get("TOUCHING_TRIE_NODE", 0), c["touching_trie_node"])
    cached, r2 = divmod(host.get("READ_CACHED_TRIE_NODE", 0), c["read_cached_trie_node"])
    assert r1 == r2 == 0
    return touched, cached


@pytest.fixture
def rt73():
    return Runtime(protocol=73)  # touching 16.1 Ggas, cached 2.28 Ggas: the counts are apart


def test_nearcore_contract_write_key_value_cost(rt73):
    """nearcore integration-tests `test_contract_write_key_value_cost`: the first write touches
    2 nodes (the root extension and the column branch: the contract's storage is empty); the
    second touches 4, the first call having added a leaf and its value."""
    alice = rt73.create_account("alice.near", balance=10 * NEAR)
    bob = rt73.deploy("bob.near", _writer(), balance=10 * NEAR)
    counts = [_nodes(alice.call(bob, "write_key_value", _args(10, 20), gas=100 * TGAS)
                     .receipts[0], rt73.config) for _ in range(2)]
    assert counts == [(2, 0), (4, 0)]


def test_nearcore_compare_node_counts(rt73):
    """nearcore integration-tests `chunk_nodes_cache::compare_node_counts`: one transaction, two
    FunctionCalls writing keys 0 and 1.  Once the trie holds both, key 0's path is extension,
    branch, extension, branch, leaf, value (6 touched) and key 1 finds the first 4 in the chunk
    cache (2 touched): 8 touched + 4 cached, every time, since the cache is per chunk."""
    test0 = rt73.deploy("test0", _writer(), balance=10 * NEAR)
    rt73.create_account("test1", balance=10 * NEAR)
    actions = [FunctionCall("write_key_value", _args(0, 10), 20 * TGAS),
               FunctionCall("write_key_value", _args(1, 20), 20 * TGAS)]
    runs = [_nodes(test0.execute(test0, [FunctionCall(a.method_name, a.args, a.gas)
                                         for a in actions]).receipts[0], rt73.config)
            for _ in range(3)]
    # the first run: both lookups read the root extension and the column branch, the second
    # from the cache (nearcore's 4 db reads are from before the cache existed)
    assert runs == [(2, 2), (8, 4), (8, 4)]


def test_a_value_read_earlier_in_the_chunk_is_cached_for_the_write(rt73):
    """storage_read goes through flat storage (no node charged), but its value enters the chunk
    cache: the write's old value is then a cached read, not a touch."""
    alice = rt73.create_account("alice.near", balance=10 * NEAR)
    c = rt73.deploy("c.near", _writer(), balance=10 * NEAR)
    alice.call(c, "write_key_value", _args(5, 1), gas=100 * TGAS)
    alice.call(c, "write_key_value", _args(6, 1), gas=100 * TGAS)
    plain = _nodes(alice.call(c, "write_key_value", _args(5, 2), gas=100 * TGAS).receipts[0],
                   rt73.config)
    read_first = _nodes(alice.call(c, "read_then_write", _args(5, 3), gas=100 * TGAS)
                        .receipts[0], rt73.config)
    assert read_first == (plain[0] - 1, plain[1] + 1)


def test_a_key_written_earlier_in_the_chunk_costs_no_node(rt73):
    """The second write of a key is served by the pending changes (TrieUpdate): no node."""
    alice = rt73.create_account("alice.near", balance=10 * NEAR)
    c = rt73.deploy("c.near", _writer(), balance=10 * NEAR)
    once = _nodes(alice.call(c, "write_key_value", _args(9, 1), gas=100 * TGAS).receipts[0],
                  rt73.config)
    twice = _nodes(alice.call(c, "write_twice", _args(9, 2), gas=100 * TGAS).receipts[0],
                   rt73.config)
    once_again = _nodes(alice.call(c, "write_key_value", _args(9, 3), gas=100 * TGAS)
                        .receipts[0], rt73.config)
    assert twice == once_again  # the second write of write_twice added nothing
    assert once == (2, 0) and once_again == (4, 0)


def test_other_accounts_holding_data_lengthen_the_path():
    """The column-9 nodes between accounts with data are on every lookup: the same write pays
    the extra nodes the whole-state trie has once a neighbour holds data."""
    counts = []
    for neighbour_data in (False, True):
        rt = Runtime(protocol=73)
        alice = rt.create_account("alice.near", balance=10 * NEAR)
        c = rt.deploy("c.near", _writer(), balance=10 * NEAR)
        rt.create_account("c2.near", balance=NEAR)
        if neighbour_data:
            rt.patch_state("c2.near", data={b"x": b"1"})
        alice.call(c, "write_key_value", _args(1, 1), gas=100 * TGAS)
        counts.append(_nodes(alice.call(c, "write_key_value", _args(1, 2), gas=100 * TGAS)
                             .receipts[0], rt.config)[0])
        accounts = rt._state.accounts
        whole = T.state_nodes(accounts, "c.near", struct.pack("<Q", 1))
        assert counts[-1] == whole + 1  # + the old value
    assert counts[1] > counts[0]


def test_snapshots_keep_their_tries(rt73):
    """Restoring a snapshot brings back the storage and the trie the gas follows."""
    alice = rt73.create_account("alice.near", balance=10 * NEAR)
    c = rt73.deploy("c.near", _writer(), balance=10 * NEAR)
    snap = rt73.snapshot()
    first = _nodes(alice.call(c, "write_key_value", _args(3, 1), gas=100 * TGAS).receipts[0],
                   rt73.config)
    rt73.restore(snap)
    again = _nodes(alice.call(c, "write_key_value", _args(3, 1), gas=100 * TGAS).receipts[0],
                   rt73.config)
    assert first == again == (2, 0)
