"""Gas-weight distribution, docs/protocol.md 5.5 and the four TV11 vectors (nearcore
receipt_manager.rs ``function_call_weight_basic_cases_test``): the unused gas is 10e9 minus the
static gas."""

import pytest

from near_safe.testing.vm.weights import distribute_gas

LIMIT = 10_000_000_000
U64_MAX = 2**64 - 1


def final_gas(entries):
    """(static, weight) entries -> final gas per call, as in the nearcore harness."""
    unused = LIMIT - sum(s for s, _ in entries)
    adds = distribute_gas(unused, [w for _, w in entries])
    return [s + a for (s, _), a in zip(entries, adds)]


@pytest.mark.parametrize("entries, expected", [
    # TV11 vector 1
    ([(1_000_000, 3), (3_000_000, 2)], [5_998_600_000, 4_001_400_000]),
    # TV11 vector 2
    ([(1_000_000, 3), (3_000_000, 2), (0, 1), (1_000_000_000, 0), (0, 4)],
     [2_699_800_000, 1_802_200_000, 899_600_000, 1_000_000_000, 3_598_400_000]),
    # TV11 vector 3: u64::MAX weight, u128 arithmetic
    ([(0, U64_MAX), (0, 1000)], [9_999_999_999, 1]),
    # TV11 vector 4
    ([(0, 0), (0, 1)], [0, 10_000_000_000]),
])
def test_tv11_distribution(entries, expected):
    got = final_gas(entries)
    assert got == expected
    assert sum(got) == LIMIT  # "the sum always equals the gas limit"


def test_no_weights_distributes_nothing():
    assert distribute_gas(1000, [0, 0]) == [0, 0]
    assert distribute_gas(0, [1, 2]) == [0, 0]
