"""Differential fuzzing between the modes (issue 11, finding 5), with a fixed budget: generated
contracts whose methods each exercise one family where CPython and MicroPython differ
(operator errors, set/dict order, unstable sort, missing names, recursion depth, heap, imports,
build refusals), every method run in Wasm mode and in CPython mode of the same port.  Any
divergence fails, printing the method and both outcomes; the generated sources stay in the
test's tmp folder.  bench/bench_divergence.py runs the same fuzzer at a larger budget and prints
divergences per 1,000 method runs by family."""

import pytest

from near_safe.testing.vm._pymode._difffuzz import FAMILIES, generate, run

BUDGET = {"near_safe": (2, 14), "nearc": (1, 14)}  # contracts x methods per port
SEED = 20261206


def _explain(report) -> str:
    lines = []
    for d in report.divergences:
        lines.append(f"{d.family}: {d.contract}::{d.method}\n  wasm   {d.wasm}\n"
                     f"  python {d.python}")
    return "\n".join(lines)


@pytest.mark.parametrize("port", sorted(BUDGET))
def test_modes_agree_on_generated_contracts(tmp_path, port):
    n_contracts, n_methods = BUDGET[port]
    contracts = generate(tmp_path, SEED + len(port), n_contracts, n_methods)
    report = run(contracts, port=port)
    runs = report.per_thousand()
    # every family was exercised (build refusals are per contract and may not be drawn)
    assert {f for f in FAMILIES if f != "build"} <= set(runs)
    assert not report.divergences, _explain(report)


def test_the_fuzzer_sees_a_divergence(tmp_path, monkeypatch):
    """A divergence is caught: CPython mode with plain nearc's operator errors turned off
    while the Wasm has them."""
    from near_safe.testing.vm._pymode import PORTS

    monkeypatch.setitem(PORTS, "nearc",
                        PORTS["nearc"].replace(operator_errors_as_zero_division=False))
    contracts = generate(tmp_path, SEED, 1, 1, families=("operator",))
    report = run(contracts, port="nearc")
    assert report.divergences and report.divergences[0].family == "operator"
