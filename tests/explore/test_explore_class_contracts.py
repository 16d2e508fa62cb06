"""The explorer understands near-sdk-py-shaped contracts (issue 14, item 7): it finds
class-based contracts as nearc exports them, its built-in invariants read near_safe's own
ledgers, claimables, in-flight records and locks from storage (no view name guessed), it prints
what it reads, and `near-safe new` projects (both styles) explore clean."""

import ast
import shutil
from pathlib import Path

import pytest

from near_safe.cli import main
from near_safe.explore._auto import near_ledgers, scan_contract

CONTRACTS = Path(__file__).parent / "contracts"


def test_class_methods_are_found_as_nearc_exports_them(tmp_path):
    c = scan_contract(CONTRACTS / "class_vault_buggy.py")
    assert sorted(c.methods) == ["deposit", "how_much", "on_deposit"]  # _helper: not bound
    assert c.methods["deposit"].payable and c.methods["deposit"].params == []
    assert c.methods["how_much"].params == ["who"]  # self dropped
    assert c.methods["how_much"].kinds == {"who": "account"}  # from the annotation
    assert c.near_safe and c.ledgers == ("savings",)


@pytest.mark.parametrize("src,ledgers", [
    # credit= by name with a deposit: NEAR
    ("L = 'staked'\n@call(payable=True)\ndef f():\n    return safe_call('p', 'm', "
     "deposit=near.attached_deposit(), then='cb', credit=L)\n", ("staked",)),
    # a debit by (ledger, account, amount) with a 1-yocto deposit: tokens, not NEAR
    ("@call\ndef f(a):\n    return safe_call('t', 'ft_transfer', deposit=1, then='cb', "
     "debit=('tokens', 'x', a))\n", ()),
    # state.credit of the attached deposit (also through a local name), class style too
    ("class P:\n    H = 'held'\n    @call(payable=True)\n    def d(self):\n"
     "        amount = self.attached_deposit\n        state.credit(self.H, 'x', amount)\n",
     ("held",)),
    ("@call\ndef f(a):\n    state.credit('points', 'x', a)\n", ()),
])
def test_near_ledgers_are_read_from_the_source(src, ledgers):
    assert near_ledgers(ast.parse(src)) == ledgers


def test_a_class_based_contract_bug_is_found_from_storage(tmp_path, capsys):
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copy(CONTRACTS / "class_vault_buggy.py", folder / "vault.py")
    shutil.copy(CONTRACTS / "pool.py", folder / "pool.py")
    assert main(["explore", str(folder), "--budget", "300", "--depth", "2"]) == 1
    out = capsys.readouterr().out
    assert "reads vault.near storage (near_safe layout): owes NEAR ledgers savings:<user>" in out
    assert "VIOLATION of conservation" in out and "lost" in out


@pytest.mark.parametrize("style", ["class", "functions"])
def test_a_new_project_explores_clean_and_says_what_it_reads(tmp_path, capsys, style):
    from near_safe.templates_cli import create

    project = create("demo", tmp_path, no_input=True, style=style)
    capsys.readouterr()
    assert main(["explore", str(project / "contracts"), "--budget", "150"]) == 0
    out = capsys.readouterr().out
    assert "no violation" in out and "lost" not in out
    assert "reads demo.near storage (near_safe layout): owes NEAR ledgers deposits:<user> + " \
           "claimables _ns:claim:<user>" in out
    assert "conservation (tracked: demo.near, pool.near)" in out


def test_a_class_contract_with_nothing_to_watch_says_so_and_exits_2(tmp_path, capsys):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "counter.py").write_text(
        "from near_safe import Contract, call, view\n\n\n"
        "class Counter(Contract):\n"
        "    @call\n    def bump(self, by: int):\n"
        "        self.storage['n'] = self.storage.get('n', 0) + by\n\n"
        "    @view\n    def get(self):\n        return self.storage.get('n', 0)\n")
    assert main(["explore", str(folder), "--budget", "20", "--depth", "2"]) == 2
    captured = capsys.readouterr()
    assert "watched: nothing" in captured.out
    assert "watched nothing, so its clean run is no verdict" in captured.err
