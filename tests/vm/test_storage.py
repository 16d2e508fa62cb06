"""Storage host functions: TV15 (costs, return codes, storage usage), docs/protocol.md 2.6."""

import dataclasses

import pytest
from vmhelpers import U64_MAX, C, L, make_logic, read_mem, write_reg

from near_safe.testing._trie import TOP_NODES
from near_safe.testing.params import DEFAULT_CONFIG
from near_safe.testing.vm.logic import VMLogicError

# TV15: "excluding TTN" (trie nodes priced 0; the trie model is tests/runtime/test_trie.py)
NO_TTN = dataclasses.replace(DEFAULT_CONFIG, ext_costs=dict(
    C, touching_trie_node=0, read_cached_trie_node=0))
KEY, V10, V20 = 0, 100, 200


def setup(config=NO_TTN, storage=None):
    lg = make_logic(storage=storage, config=config)
    lg.memory.write(KEY, b"a")
    lg.memory.write(V10, b"0123456789")
    lg.memory.write(V20, b"abcdefghijklmnopqrst")
    return lg


def burnt(lg, fn, *args):
    before = lg.gas_counter.burnt
    r = fn(*args)
    return r, lg.gas_counter.burnt - before


def test_tv15_write_read_remove_sequence():
    lg = setup()
    committed = {}
    lg._storage = committed
    u0 = lg.storage_usage()
    # step 1: new key -> 0, register untouched, usage + klen + vlen + 40
    r, g = burnt(lg, lg.storage_write, 1, KEY, 10, V10, 5)
    assert r == 0 and lg.register_len(5) == U64_MAX
    assert lg.storage_usage() - u0 == 1 + 10 + 40
    expected1 = (C["base"] + C["storage_write_base"] + read_mem(1) + read_mem(10)
                 + C["storage_write_key_byte"] * 1 + C["storage_write_value_byte"] * 10)
    assert g == expected1 == 70_103_713_431  # the figure printed in TV15
    # step 2: overwrite -> 1, old value in the register, usage + (20 - 10)
    r, g = burnt(lg, lg.storage_write, 1, KEY, 20, V20, 5)
    assert r == 1 and lg.registers[5] == b"0123456789"
    assert lg.storage_usage() - u0 == 61
    assert g == (C["base"] + C["storage_write_base"] + read_mem(1) + read_mem(20)
                 + C["storage_write_key_byte"] + C["storage_write_value_byte"] * 20
                 + C["storage_write_evicted_byte"] * 10 + write_reg(10))
    # step 3: read -> 1, 20 bytes
    r, g = burnt(lg, lg.storage_read, 1, KEY, 6)
    assert r == 1 and lg.registers[6] == b"abcdefghijklmnopqrst"
    assert g == (C["base"] + C["storage_read_base"] + read_mem(1) + C["storage_read_key_byte"]
                 + C["storage_read_value_byte"] * 20 + write_reg(20))
    # step 4: remove -> 1, usage back
    r, g = burnt(lg, lg.storage_remove, 1, KEY, 7)
    assert r == 1 and lg.registers[7] == b"abcdefghijklmnopqrst"
    assert lg.storage_usage() == u0
    assert g == (C["base"] + C["storage_remove_base"] + read_mem(1)
                 + C["storage_remove_key_byte"] + C["storage_remove_ret_value_byte"] * 20
                 + write_reg(20))
    # step 5: read of the removed key -> 0, register unchanged
    r, g = burnt(lg, lg.storage_read, 1, KEY, 6)
    assert r == 0 and lg.registers[6] == b"abcdefghijklmnopqrst"
    expected5 = C["base"] + C["storage_read_base"] + read_mem(1) + C["storage_read_key_byte"]
    assert g == expected5 == 59_266_230_926  # the figure printed in TV15
    # the committed dict was never mutated; the outcome carries the new state
    assert committed == {}
    assert lg.outcome().storage == {}


def test_committed_storage_is_copied_on_first_write():
    committed = {b"x": b"1"}
    lg = setup(storage=committed)
    lg.storage_write(1, KEY, 10, V10, 0)
    assert committed == {b"x": b"1"}
    assert lg.outcome().storage == {b"x": b"1", b"a": b"0123456789"}


def test_trie_nodes_are_charged_on_write_and_remove_only():
    # docs/protocol.md 5.4: writes/removes pay touching_trie_node per node on the key's path
    # (here the root extension and the column branch: the contract holds no data yet), reads
    # do not (flat storage); a key the call already wrote costs no node
    with_ttn, without = setup(DEFAULT_CONFIG), setup()
    _, g1 = burnt(with_ttn, with_ttn.storage_write, 1, KEY, 10, V10, 0)
    _, g0 = burnt(without, without.storage_write, 1, KEY, 10, V10, 0)
    assert g1 - g0 == TOP_NODES * C["touching_trie_node"]
    _, r1 = burnt(with_ttn, with_ttn.storage_read, 1, KEY, 0)
    _, r0 = burnt(without, without.storage_read, 1, KEY, 0)
    assert r1 == r0
    _, d1 = burnt(with_ttn, with_ttn.storage_remove, 1, KEY, 0)
    _, d0 = burnt(without, without.storage_remove, 1, KEY, 0)
    assert d1 == d0


def test_has_key_and_value_from_register():
    lg = setup()
    assert lg.storage_has_key(1, KEY) == 0
    lg.write_register(9, 10, V10)  # value taken from a register: len == u64::MAX
    assert lg.storage_write(1, KEY, U64_MAX, 9, 1) == 0
    _, g = burnt(lg, lg.storage_has_key, 1, KEY)
    assert lg.storage_has_key(1, KEY) == 1
    assert g == C["base"] + C["storage_has_key_base"] + read_mem(1) + C["storage_has_key_byte"]
    assert lg.outcome().storage == {b"a": b"0123456789"}


def test_key_length_exceeded():  # TV23 (last item)
    lg = make_logic(config=NO_TTN)
    n = L["max_length_storage_key"] + 1
    with pytest.raises(VMLogicError) as e:
        lg.storage_write(n, 0, 1, 0, 0)
    assert e.value.error.detail == "KeyLengthExceeded"
    assert e.value.error.data == {"length": 2049, "limit": 2048}


def test_large_read_overhead():
    big = b"v" * 4001
    lg = setup(storage={b"a": big})
    _, g = burnt(lg, lg.storage_read, 1, KEY, 0)
    assert g == (C["base"] + C["storage_read_base"] + read_mem(1) + C["storage_read_key_byte"]
                 + C["storage_read_value_byte"] * 4001 + C["storage_large_read_overhead_base"]
                 + C["storage_large_read_overhead_byte"] * 4001 + write_reg(4001))


def test_storage_iter_is_deprecated():
    lg = make_logic()
    with pytest.raises(VMLogicError) as e:
        lg.storage_iter_prefix(0, 0)
    assert e.value.error.detail == "Deprecated"
    assert "storage_iter_prefix" in e.value.error.message
