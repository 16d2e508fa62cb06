"""`near-safe explore FOLDER`: explore.py machines or the folder convention; exit 0 clean,
1 violation (report printed), 2 usage error."""

import shutil
import textwrap

import pytest
from explore_machines import CONTRACTS

from near_safe.cli import main


def _folder(tmp_path, *contracts, explore_py=None):
    folder = tmp_path / "project"
    folder.mkdir()
    for name in contracts:
        shutil.copy(CONTRACTS / name, folder / name)
    if explore_py:
        (folder / "explore.py").write_text(textwrap.dedent(explore_py))
    return folder


def test_folder_convention_finds_a_bug_and_prints_the_test(tmp_path, capsys):
    folder = _folder(tmp_path, "pool.py", "bank_buggy.py")
    assert main(["explore", str(folder), "--budget", "200"]) == 1
    out = capsys.readouterr().out
    assert "VIOLATION" in out and "def test_folder_project_" in out
    assert f"load_folder({str(folder)!r})" in out


def test_folder_convention_clean_on_the_near_safe_vault(tmp_path, capsys):
    folder = _folder(tmp_path, "pool.py", "bank_safe.py")
    assert main(["explore", str(folder), "--budget", "150", "--depth", "2"]) == 0
    out = capsys.readouterr().out
    assert "150 schedules" in out and "no violation" in out


def test_explore_py_machines_are_used_when_present(tmp_path, capsys):
    folder = _folder(tmp_path, "pool.py", "bank_buggy.py", explore_py=f"""
        from pathlib import Path
        from near_safe.explore import Machine, Settings, amounts, rule

        HERE = Path(__file__).parent

        class OnlyNoRefund(Machine):
            settings = Settings(depth=1, budget=50, attacker=False)

            def setup(self, rt):
                rt.deploy("pool.near", HERE / "pool.py")
                v = rt.deploy("vault.near", HERE / "bank_buggy.py", balance={10**25})
                v.call(v, "new", {{"pool": "pool.near"}}).unwrap()
                self.track(v, credited="balance_of")

            @rule(deposit=amounts(1))
            def stake(self, user, deposit):
                self.submit(user, "vault.near", "stake_no_refund", deposit=deposit)
        """)
    assert main(["explore", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "OnlyNoRefund:" in out and "invariant `conservation` broken" in out
    assert "load_machine(" in out and "'OnlyNoRefund'" in out


@pytest.mark.parametrize("setup, message", [
    ("missing", "not a folder"),
    ("empty", "no contract found"),
    ("badinit", "new() takes 'ratio'"),
])
def test_usage_errors_exit_2_and_name_the_fix(tmp_path, capsys, setup, message):
    folder = tmp_path / "p"
    if setup != "missing":
        folder.mkdir()
    if setup == "badinit":
        (folder / "c.py").write_text("from near_sdk_py import init\n\n@init\n"
                                     "def new(ratio):\n    pass\n")
    assert main(["explore", str(folder)]) == 2
    err = capsys.readouterr().err
    assert message in err


def test_bad_option_exits_2(tmp_path, capsys):
    folder = _folder(tmp_path, "pool.py", "bank_safe.py")
    assert main(["explore", str(folder), "--depth", "0"]) == 2
    assert "Settings.depth=0" in capsys.readouterr().err


def test_faults_option_selects_the_faults(tmp_path, capsys):
    folder = _folder(tmp_path, "pool.py", "bank_safe.py")
    assert main(["explore", str(folder), "--faults", "boom"]) == 2
    assert "unknown fault" in capsys.readouterr().err
    (tmp_path / "b").mkdir()
    buggy = _folder(tmp_path / "b", "pool.py", "bank_buggy.py")
    assert main(["explore", str(buggy), "--faults", "missing_method", "--budget", "300"]) == 1
    out = capsys.readouterr().out
    # what is injected is only what --faults allows
    assert not any(f"injected: {f}" in out for f in ("panic", "out_of_gas", "answer"))


def test_watched_nothing_exits_2_instead_of_no_violation(tmp_path, capsys):
    """A folder whose contracts expose no tracked view, with no attacker-visible value and no
    near_safe state, gives no verdict: the explorer says what it watched (nothing) and exits
    2, never "no violation"."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "counter.py").write_text(
        "from near_sdk_py import Storage, call, view\n\n\n@call\ndef bump():\n"
        "    Storage.set('n', str(int(Storage.get_string('n') or '0') + 1))\n")
    (folder / "explore.py").write_text(textwrap.dedent("""
        from pathlib import Path
        from near_safe.explore import Machine, Settings, rule

        class Counter(Machine):
            attacker = None
            settings = Settings(depth=1, budget=5)

            def setup(self, rt):
                rt.deploy("counter.near", Path(__file__).parent / "counter.py")

            @rule()
            def bump(self, user):
                self.submit(user, "counter.near", "bump")
        """))
    assert main(["explore", str(folder)]) == 2
    captured = capsys.readouterr()
    assert "watched: nothing" in captured.out and "WATCHED NOTHING" in captured.out
    assert "no violation" not in captured.out
    assert "watched nothing" in captured.err


def test_the_explorer_prints_what_it_watches_and_labels_python_mode(tmp_path, capsys):
    folder = _folder(tmp_path, "pool.py", "bank_safe.py")
    assert main(["explore", str(folder), "--budget", "20", "--depth", "1",
                 "--mode", "python"]) == 0
    out = capsys.readouterr().out
    assert "NOT EVIDENCE" in out
    watched = [line for line in out.splitlines() if "attacker_not_richer:" in line]
    assert watched and all(a in watched[0] for a in ("alice.near", "bob.near",
                                                     "hostile.mallory.near, mallory.near"))
    assert "settled_when_idle" in out and "conservation (tracked: bank-safe.near)" in out


def _record_settings(monkeypatch):
    """Record the Settings the CLI hands the explorer (the real explorer still runs)."""
    from near_safe.explore import _engine

    seen = []
    real_init = _engine.Explorer.__init__

    def init(self, machine, settings):
        seen.append(settings)
        real_init(self, machine, settings)

    monkeypatch.setattr(_engine.Explorer, "__init__", init)
    return seen


QUICK = ["--budget", "1", "--depth", "1", "--mode", "python"]


def test_faults_accepts_repeated_and_comma_separated_forms_like_check_disable(
        tmp_path, capsys, monkeypatch):
    """Same forms as `near-safe check --disable`: repeatable, comma-separated, stripped,
    case-insensitive; duplicates once, in the order given."""
    seen = _record_settings(monkeypatch)
    folder = _folder(tmp_path, "pool.py", "bank_safe.py")
    assert main(["explore", str(folder), *QUICK, "--faults", "panic",
                 "--faults", " Out_Of_Gas , MISSING_METHOD,", "--faults", "panic,answer:Text"]) == 0
    assert seen[-1].faults == ("panic", "out_of_gas", "missing_method", "answer:text")
    assert main(["explore", str(folder), *QUICK]) == 0  # no --faults: the machine's own
    from near_safe.explore import FAULTS
    assert seen[-1].faults == FAULTS


def test_an_unknown_fault_is_a_usage_error_naming_the_known_ones(tmp_path, capsys, monkeypatch):
    seen = _record_settings(monkeypatch)
    folder = _folder(tmp_path, "pool.py", "bank_safe.py")
    assert main(["explore", str(folder), *QUICK, "--faults", "panic", "--faults", "boom"]) == 2
    err = capsys.readouterr().err
    assert "--faults boom: unknown fault" in err
    from near_safe.explore import FAULTS
    from near_safe.explore._machine import EXTRA_FAULTS
    assert all(f in err for f in FAULTS + EXTRA_FAULTS) and "answer:" in err
    assert seen == []  # refused before anything ran
