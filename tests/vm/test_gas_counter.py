"""The gas counter, docs/protocol.md 2.10 (nearcore gas_counter.rs), and its consequences."""

import pytest

from near_safe.testing.params import TGAS
from near_safe.testing.vm.gas import U64_MAX, GasCounter, GasError


def test_burn_within_limit_accumulates():
    g = GasCounter(prepaid=10, max_burnt=100)
    g.burn_gas(4)
    g.burn_gas(6)
    assert (g.burnt, g.promises_gas, g.used_gas) == (10, 0, 10)


def test_out_of_gas_burns_all_prepaid():
    # docs/protocol.md 2.10 consequence 1: with no promises, all prepaid gas is burnt
    g = GasCounter(prepaid=5 * TGAS, max_burnt=1000 * TGAS)
    g.burn_gas(1 * TGAS)
    with pytest.raises(GasError) as e:
        g.burn_gas(5 * TGAS)
    assert e.value.kind == "GasExceeded"
    assert g.burnt == 5 * TGAS and g.promises_gas == 0


def test_gas_limit_exceeded_when_max_burnt_binds():
    g = GasCounter(prepaid=500 * TGAS, max_burnt=300 * TGAS)
    with pytest.raises(GasError) as e:
        g.burn_gas(301 * TGAS)
    assert e.value.kind == "GasLimitExceeded"
    assert g.burnt == 300 * TGAS


def test_deduct_gas_reserves_and_lowers_the_burn_limit():
    # send fee burnt, exec fee + attached gas reserved (docs/protocol.md 2.10 consequence 2)
    g = GasCounter(prepaid=100, max_burnt=1000)
    g.deduct_gas(10, 40)
    assert (g.burnt, g.promises_gas) == (10, 30)
    assert g.gas_limit == 100 - 30
    g.burn_gas(60)  # up to the new limit: fine
    with pytest.raises(GasError) as e:
        g.burn_gas(1)
    assert e.value.kind == "GasExceeded"
    # process_gas_limit: burnt = min(nb, P, M) = 71; promises = min(P, nb + np) - burnt
    assert g.burnt == 71 and g.promises_gas == 100 - 71
    assert g.used_gas == 100


def test_deduct_gas_over_prepaid_fails_without_partial_reserve():
    g = GasCounter(prepaid=100, max_burnt=1000)
    with pytest.raises(GasError):
        g.deduct_gas(5, 200)  # nu = 200 > P
    assert g.burnt == 5 and g.promises_gas == 95  # min(P, nu) - burnt


def test_view_counter_has_unlimited_prepaid():
    g = GasCounter(prepaid=0, max_burnt=7, is_view=True)
    assert g.prepaid == U64_MAX and g.gas_limit == 7
    with pytest.raises(GasError) as e:
        g.burn_gas(8)
    assert e.value.kind == "GasLimitExceeded"
