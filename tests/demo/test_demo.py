"""`near-safe demo` through the real CLI (a subprocess), asserting on the facts its report
states.  The demo computes every figure from the run; these tests check that the figures say
what the example proves: the wrong vault loses exactly the stake, the near_safe vault nothing,
and each receipt is printed with its gas."""

import re
import subprocess
import sys

import pytest


def demo(*args):
    proc = subprocess.run([sys.executable, "-m", "near_safe.cli", "demo", *args],
                          capture_output=True, text=True, timeout=600, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def row(report, label):
    """The two columns (wrong vault, safe vault) of a row of the summary table."""
    table = report.split("safe vault (near_safe)\n")[1]
    line = next(l for l in table.splitlines() if l.strip().startswith(label))
    return re.split(r"\s{2,}", line.strip())[1:]


def near(text):
    m = re.fullmatch(r"([+-]?[\d.]+) NEAR", text)
    assert m, text
    return float(m.group(1))


@pytest.fixture(scope="module", params=["wasm", "python"])
def report(request):
    code, out, err = demo("--mode", request.param)
    assert code == 0, err + out
    return out


def test_demo_runs_the_compiled_wasm_by_default():
    code, out, err = demo()
    assert code == 0, err
    assert "compiled Wasm in wasmtime" in out
    sizes = [int(m.replace(",", "")) for m in re.findall(r"([\d,]+) bytes of Wasm", out)]
    assert len(sizes) == 3 and all(size > 100_000 for size in sizes)


def test_unsafe_vault_loses_the_deposit_and_safe_vault_nothing(report):
    wrong, safe = row(report, "vault's loss")
    assert near(wrong) == 5 and near(safe) == 0
    gain_wrong, gain_safe = row(report, "alice's gain")
    assert near(gain_wrong) == 5 and near(gain_safe) == 0
    back_wrong, back_safe = row(report, "alice got back")
    assert near(back_wrong) == 10 and near(back_safe) == 5
    paid = row(report, "alice paid")
    assert [near(p) for p in paid] == [5, 5]
    between = row(report, "withdraw in between")
    assert between[0] == "paid 5 NEAR"
    assert between[1] == "refused: Not enough balance in staked for alice.near"
    assert "the wrong vault paid alice twice and lost 5 NEAR (the whole stake)" in report
    assert "the near_safe vault lost 0 NEAR" in report


def test_figures_follow_the_stake():
    code, out, err = demo("--mode", "python", "--stake", "2.5")
    assert code == 0, err
    assert [near(x) for x in row(out, "vault's loss")] == [2.5, 0]
    assert [near(x) for x in row(out, "alice got back")] == [5, 2.5]


def test_every_receipt_is_printed_with_its_gas(report):
    receipts = re.findall(r"^\s+\d+ @\d+\s+(\S+) -> (\S+)\s+(.+?)\s{2,}(free|[\d.]+ Tgas)\s",
                          report, re.MULTILINE)
    assert receipts, report
    calls = [r for r in receipts if r[3] != "free"]
    assert all(float(r[3].split()[0]) > 0 for r in calls)
    methods = [r[2].split()[0] for r in calls]
    # sections 1 and 2 and both attack runs: the call into the vault, the pool call, the callback
    assert methods.count("on_staked") == 4
    assert methods.count("deposit_and_stake") == 8
    # the failed pool call's deposit comes back to alice herself (near_safe set refund_to);
    # the safe vault pays no refund out of its own balance
    assert len(re.findall(r"system -> alice\.near\s+refund 5 NEAR \(deposit back\)",
                          report)) >= 2
    assert "FAILED: staking pool is failing" in report
    assert not re.search(r"safe-vault\.near -> alice\.near\s+Transfer 5 NEAR \(by on_staked\)",
                         report)


def test_wrong_vault_runs_the_withdraw_before_its_callback(report):
    section = report.split("wrong vault (")[1].split("safe vault (")[0]
    order = [m.group(1) for m in re.finditer(r"-> wrong-vault\.near\s+(\w+)", section)]
    assert order.index("withdraw") < order.index("on_staked")
    assert len(re.findall(r"wrong-vault\.near -> alice\.near\s+Transfer 5 NEAR", section)) == 2


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1e30", "nan"])
def test_bad_stake_is_a_usage_error(bad):
    code, _, err = demo("--stake", bad)
    assert code == 2
    assert f"'{bad}' is not an amount of NEAR" in err and "e.g. --stake 5" in err
