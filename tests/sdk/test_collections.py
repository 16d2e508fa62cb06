"""near_safe's own collections (contract/_collections.py; issue 14): near-sdk-py 1.0.0's names,
methods, behaviour and storage layout, on near_safe's state.

One contract (contracts/collections_driver.py) holds both near-sdk-py's collections ("sdk")
and near_safe's ("ns"), so each test runs the same operations on either, on prefixes of the
same account: results and storage are compared side by side.  Wasm mode and CPython mode,
except the layout tests: near-sdk-py writes its values with ``pickle``, which in the Wasm is
MicroPython's ``repr`` / ``eval`` (the layout on chain, which near_safe's collections share)
but in CPython mode CPython's binary pickle (no chain has it).
"""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest
from worlds import per_mode

import near_safe
from near_safe.builder._analyze import plan_build
from near_safe.contract import _collections
from near_safe.testing import NEAR, TGAS, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
DRIVER = CONTRACTS / "collections_driver.py"
PORTS = Path(__file__).parents[1] / "ports" / "contracts" / "near_sdk_py" / "collections"
GAS = 300 * TGAS
NAMES = ("LookupMap", "UnorderedMap", "IterableMap", "Vector", "LookupSet", "UnorderedSet",
         "IterableSet", "TreeMap")



class World:
    def __init__(self, mode):
        self.mode = mode
        self.rt = Runtime(mode=mode)
        self.alice = self.rt.create_account("alice.near", balance=100 * NEAR)
        self.c = self.rt.deploy("coll.near", DRIVER, balance=10 * NEAR)

    def ops(self, impl, kind, prefix, steps):
        return self.alice.call(self.c, "ops", {"impl": impl, "kind": kind, "prefix": prefix,
                                               "steps": steps}, gas=GAS)

    def raw(self):
        return dict(self.rt.storage(self.c))

    def under(self, prefix, impl):
        """The decoded storage under ``prefix:`` (keys relative to it)."""
        head = (prefix + ":").encode()
        out = {}
        for k, v in self.raw().items():
            if k.startswith(head):
                if impl == "sdk" and self.mode == "python":
                    out[k[len(head):]] = pickle.loads(v)  # our own test data
                else:
                    out[k[len(head):]] = ast.literal_eval(v.decode())
        return out


world = per_mode(World)
wasm_world = per_mode(World, modes=["wasm"])  # near-sdk-py's on-chain layout (module doc)


# The same operations for each collection (no stored None: see the test below it).
STEPS = {
    "Vector": [
        ["append", "x"], ["append", 2], ["extend", [[1], {"a": 1}, "y"]], ["len"],
        ["getitem", 0], ["getitem", -1], ["slice", 1, None, 2], ["slice", None, None, -1],
        ["setitem", 1, "two"], ["iter"], ["pop", 0], ["pop"], ["swap_remove", 0], ["iter"],
        ["get", 9, "d"], ["get", -1], ["is_empty"], ["clear"], ["len"], ["is_empty"],
        ["append", True], ["iter"]],
    "LookupMap": [
        ["setitem", "k1", "v1"], ["setitem", "k2", [1, 2]], ["setitem", "k1", {"a": 1}],
        ["setitem", 7, 7.5], ["len"], ["getitem", "k1"], ["getitem", 7], ["get", "k9", "d"],
        ["contains", "k2"], ["contains", "k9"], ["remove", "k2"], ["remove", "k2"], ["len"],
        ["set", "k3", 0], ["delitem", "k1"], ["len"], ["clear"], ["len"], ["get", "k3"]],
    "UnorderedMap": [
        ["setitem", "a", 1], ["setitem", "b", "two"], ["setitem", "c", [3]], ["setitem", "d", 4],
        ["setitem", "b", "deux"], ["keys"], ["values"], ["items"], ["items", 1, 2],
        ["items", 9], ["seek", 2], ["delitem", "a"], ["iter"], ["items"], ["remove", "d"],
        ["remove", "q"], ["len"], ["contains", "c"], ["get", "a", 0], ["clear"], ["len"],
        ["keys"], ["setitem", "e", 5], ["items"]],
    "IterableMap": [["setitem", 1, "one"], ["setitem", 2, "two"], ["delitem", 1], ["items"]],
    "Vector-values": [  # the texts near_safe reads without eval, and their neighbours
        ["extend", ["", "12", 12, -5, "-5", 0, "it's", 'say "hi"', "both ' and \"", "a\\b",
                    "line\nbreak", "caf\u00e9 \u20ac", "'", "''", True, False, 1.5,
                    [], {}, ["'x'"], 10 ** 30, -(10 ** 30)]],
        ["iter"], ["slice", 2, 5, 1]],
    "LookupSet": [
        ["add", "x"], ["add", "y"], ["add", "x"], ["len"], ["contains", "x"],
        ["contains", "z"], ["remove", "x"], ["discard", "x"], ["discard", "y"], ["len"],
        ["add", 3], ["contains", 3], ["clear"], ["len"], ["contains", 3]],
    "UnorderedSet": [
        ["add", "x"], ["add", "y"], ["add", "x"], ["add", "z"], ["add", "w"], ["len"],
        ["values"], ["values", 1, 2], ["seek", 2], ["iter"], ["remove", "x"], ["iter"],
        ["discard", "w"], ["discard", "q"], ["values"], ["contains", "y"], ["is_empty"],
        ["clear"], ["values"], ["len"], ["add", "v"], ["iter"]],
    "IterableSet": [["add", 1], ["add", 2], ["remove", 1], ["iter"]],
    "TreeMap": [
        ["setitem", "m", 1], ["setitem", "c", 2], ["setitem", "x", 3], ["setitem", "a", 4],
        ["setitem", "c", 20], ["keys"], ["values"], ["items"], ["iter"], ["len"],
        ["min_key"], ["max_key"], ["floor_key", "d"], ["floor_key", "c"], ["floor_key", "0"],
        ["ceiling_key", "d"], ["ceiling_key", "z"], ["range", "c", "x"], ["range", None, "m"],
        ["range"], ["delitem", "c"], ["remove", "m"], ["remove", "q"], ["get", "x"],
        ["keys"], ["clear"], ["keys"], ["min_key"], ["floor_key", "a"], ["setitem", "b", 1],
        ["items"]],
}


@pytest.mark.parametrize("kind", sorted(STEPS))
def test_same_results_and_storage_as_near_sdk_py(world, kind):
    cls = kind.split("-")[0]
    sdk = world.ops("sdk", cls, "s-" + kind, STEPS[kind])
    ns = world.ops("ns", cls, "n-" + kind, STEPS[kind])
    assert sdk.error is None and ns.error is None, (sdk.error, ns.error)
    assert ns.value == sdk.value
    assert world.under("n-" + kind, "ns") == world.under("s-" + kind, "sdk")


@pytest.mark.parametrize("kind, steps, error", [
    ("LookupMap", [["getitem", "k"]], "KeyError: "),  # then k (MicroPython) or 'k' (CPython)
    ("LookupMap", [["delitem", "k"]], "KeyError: "),
    ("UnorderedMap", [["delitem", 3]], "KeyError: 3"),
    ("TreeMap", [["delitem", "k"]], "KeyError: "),
    ("LookupSet", [["remove", "v"]], "KeyError: "),
    ("UnorderedSet", [["remove", "v"]], "KeyError: "),
    ("Vector", [["getitem", 0]], "IndexError: Vector index out of range"),
    ("Vector", [["append", 1], ["getitem", -2]], "IndexError: Vector index out of range"),
    ("Vector", [["append", 1], ["setitem", 1, 0]], "IndexError: Vector index out of range"),
    ("Vector", [["pop"]], "IndexError: pop from empty Vector"),
    ("Vector", [["swap_remove", 0]], "IndexError: swap_remove from empty Vector"),
    ("Vector", [["append", 1], ["pop", 3]], "IndexError: Vector index out of range"),
])
def test_same_errors_as_near_sdk_py_and_no_state_change(world, kind, steps, error):
    before = world.raw()
    errors = [world.ops(impl, kind, impl + "-e", steps).error for impl in ("sdk", "ns")]
    assert errors[0] == errors[1]
    assert errors[1] is not None and "Method ops failed: " + error in errors[1], errors
    assert {k: v for k, v in world.raw().items() if not k.startswith(b"sdk-e:")} == before


def test_a_stored_none_reads_back_as_none(world):
    """near-sdk-py's map raises KeyError on a key whose value is None (it reads None as
    "missing"); near_safe's gives the None it stored."""
    steps = [["setitem", "k", None], ["getitem", "k"], ["get", "k", "d"], ["contains", "k"],
             ["items"]]
    out = world.ops("ns", "UnorderedMap", "none", steps)
    assert out.value == [None, None, None, True, [["k", None]]]
    assert "failed: KeyError: " in world.ops("sdk", "UnorderedMap", "none2", steps).error


def test_tree_map_range_from_above_every_key_is_empty(world):
    """near-sdk-py's TreeMap.range returns every key when none is >= from_key."""
    steps = [["setitem", 1, "a"], ["setitem", 2, "b"], ["range", 5], ["range", 2], ["range", 0, 2]]
    assert world.ops("ns", "TreeMap", "t", steps).value == [None, None, [], [2], [1]]
    assert world.ops("sdk", "TreeMap", "t2", steps).value[2] == [1, 2]


# --- layout: data written by one implementation is read and changed by the other ------------

LAYOUT = {  # kind -> (writes, changes, reads)
    "Vector": ([["append", "a"], ["extend", [1, [2], {"k": "v"}]]],
               [["pop", 1], ["setitem", 0, "A"], ["append", "z"], ["swap_remove", 0]],
               [["len"], ["iter"], ["getitem", 1]]),
    "LookupMap": ([["setitem", "a", 1], ["setitem", 2, "two"]],
                  [["setitem", "a", [1]], ["delitem", 2], ["setitem", "c", "see"]],
                  [["len"], ["get", "a"], ["contains", 2], ["getitem", "c"]]),
    "UnorderedMap": ([["setitem", "a", 1], ["setitem", "b", 2], ["setitem", "c", 3]],
                     [["delitem", "a"], ["setitem", "d", 4], ["setitem", "b", 20]],
                     [["len"], ["items"], ["keys"], ["values"], ["contains", "a"]]),
    "LookupSet": ([["add", "a"], ["add", "b"]], [["remove", "a"], ["add", "c"]],
                  [["len"], ["contains", "a"], ["contains", "b"], ["contains", "c"]]),
    "UnorderedSet": ([["add", "a"], ["add", "b"], ["add", "c"]],
                     [["remove", "a"], ["add", "d"], ["discard", "c"]],
                     [["len"], ["values"], ["contains", "b"]]),
    "TreeMap": ([["setitem", "m", 1], ["setitem", "c", 2], ["setitem", "x", 3]],
                [["delitem", "c"], ["setitem", "a", 4], ["setitem", "n", 5]],
                [["len"], ["items"], ["floor_key", "b"], ["max_key"]]),
}


@pytest.mark.parametrize("first, second", [("sdk", "ns"), ("ns", "sdk")])
@pytest.mark.parametrize("kind", sorted(LAYOUT))
def test_one_implementation_reads_and_changes_what_the_other_wrote(wasm_world, kind, first,
                                                                   second):
    """Wasm mode: writes by ``first``, changes and reads by ``second``, reads by ``first``
    again; the results and the storage are those of ``first`` doing everything alone."""
    w = wasm_world
    writes, changes, reads = LAYOUT[kind]
    mixed = [w.ops(first, kind, "mix", writes), w.ops(second, kind, "mix", changes + reads),
             w.ops(first, kind, "mix", reads)]
    alone = [w.ops(first, kind, "one", writes), w.ops(first, kind, "one", changes + reads),
             w.ops(first, kind, "one", reads)]
    assert [o.error for o in mixed + alone] == [None] * 6
    assert [o.value for o in mixed] == [o.value for o in alone]
    assert w.under("mix", "ns") == w.under("one", "ns")


def test_values_are_written_as_near_sdk_py_writes_them_on_chain(wasm_world):
    w = wasm_world
    steps = [["setitem", "k", {"a": [1, "x"]}], ["setitem", 5, "it's"]]
    w.ops("sdk", "UnorderedMap", "s", steps)
    w.ops("ns", "UnorderedMap", "n", steps)
    raw = w.raw()
    for key in (b"k", b"5", b"keys:0", b"keys:1", b"indices:k", b"indices:5"):
        assert raw[b"n:" + key] == raw[b"s:" + key], key
    assert raw[b"n:5"] == b'"it\'s"' and raw[b"n:keys:1"] == b"5"


# --- near_safe's state: callbacks, views, its own records ------------------------------------


@pytest.mark.parametrize("kind, steps", [
    ("Vector", [["append", "a"], ["append", "b"], ["len"]]),
    ("UnorderedMap", [["setitem", "k", 1], ["items"]]),
    ("UnorderedSet", [["add", "v"], ["values"]]),
    ("TreeMap", [["setitem", "b", 1], ["setitem", "a", 2], ["keys"]]),
])
def test_a_raising_callback_body_drops_the_collections_writes(world, kind, steps):
    start = world.rt.snapshot()
    before = world.raw()
    out = world.alice.call(world.c, "in_callback", {"kind": kind, "prefix": "cb",
                                                    "steps": steps, "fail": True}, gas=GAS)
    assert out.status == "success", out.error
    assert any("its writes were discarded" in line for line in out.logs), out.logs
    assert world.raw() == before
    out = world.alice.call(world.c, "in_callback", {"kind": kind, "prefix": "cb",
                                                    "steps": steps, "fail": False}, gas=GAS)
    assert out.error is None
    kept = world.under("cb", "ns")
    world.rt.restore(start)
    assert world.ops("ns", kind, "cb", steps).value == out.value  # reads saw the writes
    assert world.under("cb", "ns") == kept and kept


def test_a_view_reads_without_writing_and_cannot_write(world):
    before = world.raw()
    assert world.rt.view(world.c, "peek", {"kind": "UnorderedSet", "prefix": "fresh",
                                           "op": "len", "args": []}) == 0
    assert world.rt.view(world.c, "peek", {"kind": "Vector", "prefix": "fresh", "op": "iter",
                                           "args": []}) == []
    assert world.raw() == before  # near-sdk-py writes the metadata here
    with pytest.raises(Exception, match="Method peek is a view: it cannot write state"):
        world.rt.view(world.c, "peek", {"kind": "LookupMap", "prefix": "fresh",
                                        "op": "setitem", "args": ["k", 1]})


@pytest.mark.parametrize("kind, prefix, steps", [
    ("LookupMap", "_ns", [["setitem", "claim:alice.near", "1000"]]),  # lands on _ns:claim:...
    ("LookupMap", "_ns:claim", [["setitem", "alice.near", "1000"]]),
    ("LookupSet", "_ns", [["add", "lock:vault"]]),
    ("UnorderedMap", "_ns", [["setitem", "init", 1]]),
    ("Vector", "_ns", [["append", 1]]),
    ("TreeMap", "_ns:op", [["setitem", "1", 1]]),
])
def test_a_collection_cannot_reach_near_safe_records(world, kind, prefix, steps):
    """near_safe's own records (claimable refunds, in-flight operations, locks, init) live
    under ``_ns:``: a collection whose prefix would put keys there is refused before it writes
    (near-sdk-py's collections write there)."""
    before = world.raw()
    out = world.ops("ns", kind, prefix, steps)
    assert out.error.endswith("Method ops: collection prefix " + prefix
                              + " is reserved by near_safe")
    assert world.raw() == before
    assert world.ops("sdk", kind, prefix, steps).error is None
    assert any(k.startswith(b"_ns:") for k in world.raw())  # what near_safe's refusal prevents


@pytest.mark.parametrize("kind, key", [
    ("LookupMap", "meta"), ("LookupSet", "meta"), ("UnorderedMap", "keys:0"),
    ("UnorderedMap", "indices:a"), ("UnorderedSet", "values:meta"), ("TreeMap", "keys:1"),
])
def test_a_key_cannot_overwrite_the_collections_own_records(world, kind, key):
    """near-sdk-py stores ``PREFIX:meta`` (the length), the key list and the indices beside the
    elements, under the same prefix: a caller-chosen key can overwrite them."""
    setup = [["setitem", "a", 1]] if "Map" in kind else [["add", "a"]]
    put = ["setitem", key, "x"] if "Map" in kind else ["add", key]
    assert world.ops("ns", kind, "r", setup).error is None
    before = world.raw()
    out = world.ops("ns", kind, "r", [put])
    assert out.error.endswith("Method ops: collection key " + key
                              + " is reserved by the collection")
    assert world.raw() == before
    assert world.ops("ns", kind, "r", [["len"]]).value == [1]


def test_near_sdk_py_lets_a_key_overwrite_the_length(world):
    """What the refusal above prevents: near-sdk-py's LookupMap then fails on every write."""
    assert world.ops("sdk", "LookupMap", "r", [["setitem", "meta", "x"]]).error is None
    assert world.ops("sdk", "LookupMap", "r", [["setitem", "a", 1]]).error is not None


@pytest.mark.parametrize("kind, prefix, steps, error", [
    ("Vector", "v", [["append", 1], ["getitem", "0"]],
     "failed: TypeError: Vector index must be int"),
    ("Vector", "v", [["append", 1], ["setitem", "0", 2]],
     "failed: TypeError: Vector index must be int"),
    ("Vector", "v", [["append", 1], ["setinf", 0]], "cannot be stored in a collection"),
    ("LookupMap", "m", [["setinf", "k"]], "Method ops: [inf] cannot be stored in a collection"),
    ("UnorderedMap", "", [["len"]], "Method ops: collection prefix is empty"),
])
def test_bad_input_panics_short_and_changes_nothing(world, kind, prefix, steps, error):
    before = world.raw()
    out = world.ops("ns", kind, prefix, steps)
    assert out.error is not None and out.error.endswith(error), out.error
    assert world.raw() == before


def test_iteration_streams_within_the_heap(world):
    """300 elements written in one call and walked through the iterator in another (the
    garbage of 300 reads outgrows the port's first 32,000-byte heap area)."""
    values = ["v" * 40 + str(i) for i in range(300)]
    assert world.ops("ns", "Vector", "big", [["extend", values]]).error is None
    out = world.alice.call(world.c, "count", {"kind": "Vector", "prefix": "big"}, gas=GAS)
    assert out.error is None and out.value == 300


def test_the_names_come_from_near_safe():
    for name in NAMES:
        assert getattr(near_safe, name) is getattr(_collections, name)
    assert near_safe.IterableMap is near_safe.UnorderedMap
    assert near_safe.IterableSet is near_safe.UnorderedSet


def test_the_collections_are_frozen_only_into_contracts_that_name_them():
    def frozen(path):
        return "contract/_collections.py" in plan_build(path).near_safe_files

    assert frozen(DRIVER) and frozen(PORTS / "vector.py") and frozen(PORTS / "unordered_set.py")
    assert not frozen(CONTRACTS / "plain.py") and not frozen(CONTRACTS / "greeter.py")


ITERABLE = ["IterableMap", "IterableSet", "TreeMap", "UnorderedMap", "UnorderedSet"]


def test_a_vector_contract_does_not_define_the_iterable_collections(wasm_world):
    """UnorderedMap, UnorderedSet and TreeMap are defined only when a contract names one: the
    others do not pay for them on every call.  (Wasm mode: one call's modules; in CPython mode
    the module is the test process's, defined by other contracts.)"""
    world = wasm_world
    c = world.rt.deploy("vector.near", CONTRACTS / "collections_vector.py", balance=10 * NEAR)
    assert world.alice.call(c, "defined", {}, gas=GAS).unwrap() == []
    assert world.alice.call(world.c, "defined", {}, gas=GAS).unwrap() == ITERABLE



PLANTED = ("[__import__('near').promise_batch_action_transfer("
           "__import__('near').promise_batch_create('eve.near'), 10**24)]")


@pytest.mark.parametrize("text", [PLANTED, "f'{" + PLANTED + "}'", "(print)('x')",
                                  "[1, (2, 3)][1](4)", "[set ()]"])
def test_a_planted_value_is_never_run(world, text):
    """Values are read back with ``eval`` (near-sdk-py's on-chain layout is ``repr``): text
    planted under a collection's prefix by a raw write (``Storage.set``, ``near.storage_write``
    with a caller's key and value) must not run.  A value whose evaluation would call anything
    cannot be read: a short panic, no transfer, no state change."""
    world.rt.create_account("eve.near", balance=NEAR)
    world.rt.patch_state(world.c, data={"p:k": text})
    before = world.raw()
    out = world.ops("ns", "LookupMap", "p", [["get", "k"]])
    assert out.error is not None and out.error.endswith(
        "Method ops: the value at p:k cannot be read: it would call code"), out.error
    assert world.rt.account("eve.near").amount == NEAR
    assert world.raw() == before


@pytest.mark.parametrize("value", [("a", (1, 2)), {"x": (None, True)}, "f(x)", "(set())",
                                   ["(", ")", "'", '"', "\\", "f'{x}'", "b'('"], (), ((),),
                                   [b"(x)"], -1.5e-07])
def test_values_with_parentheses_still_round_trip(world, value):
    world.rt.patch_state(world.c, data={"q:k": repr(value)})
    got = world.ops("ns", "LookupMap", "q", [["get", "k"]])
    assert got.error is None, got.error
    assert got.value == [json_shape(value)]


def test_empty_sets_are_still_read():
    assert _collections._dec(b"set()", "k") == set()
    assert _collections._dec(b"[set(), {1}, (set(),)]", "k") == [set(), {1}, (set(),)]


def json_shape(value):
    """What a value looks like once the contract returns it as JSON."""
    if isinstance(value, (tuple, list)):
        return [json_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: json_shape(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode()
    return value
