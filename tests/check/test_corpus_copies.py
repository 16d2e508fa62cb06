"""Contracts the checker's corpus copies from other test folders stay the same as their source
(issue 13: the copy of bank_safe_by_hand.py had lost the per-operation records the explorer's
copy has).  A copy opens its docstring with ``(copy of <path from the repo root>)``.

The allowed differences, and only these: that prefix on the first line, and ``  # expect: ...``
markers at the end of lines (the corpus's goldens; see test_corpus.py).  To refresh a copy after
its source changed: copy the source, put the prefix back and the markers on the same lines, then
``NEAR_SAFE_UPDATE_GOLDEN=1 python -m pytest tests/check/test_corpus.py``."""

import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
ROOT = Path(__file__).parents[2]
PREFIX = re.compile(r'^"""\(copy of (\S+)\) ')
MARKER = re.compile(r"  # expect: [A-Z0-9, ]+$")


def copies():
    return sorted(p for p in CORPUS.rglob("*.py") if PREFIX.match(p.read_text()))


def without_allowed_differences(copy_text: str) -> tuple[str, str]:
    """(source path, the copy with its prefix and markers removed)."""
    source = PREFIX.match(copy_text).group(1)
    text = PREFIX.sub('"""', copy_text, count=1)
    return source, "\n".join(MARKER.sub("", line) for line in text.split("\n"))


def test_the_known_copies_are_found():
    names = {p.relative_to(CORPUS).as_posix() for p in copies()}
    assert {"mixed/bank_buggy.py", "mixed/bank_safe_by_hand.py",
            "mixed/near_safe_vault.py"} <= names


@pytest.mark.parametrize("copy", copies(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_copy_equals_its_source(copy):
    source, text = without_allowed_differences(copy.read_text())
    original = (ROOT / source).read_text()
    if text != original:
        want, got = original.split("\n"), text.split("\n")
        line = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b),
                    min(len(want), len(got)))
        pytest.fail(f"{copy.relative_to(ROOT)} drifted from {source} at line {line + 1}: "
                    f"{got[line] if line < len(got) else '<end>'!r} != "
                    f"{want[line] if line < len(want) else '<end>'!r} (refresh it: see this "
                    "module's docstring)")


def test_a_drifted_copy_is_caught():
    source = "tests/explore/contracts/bank_safe_by_hand.py"
    original = (ROOT / source).read_text()
    copy = f'"""(copy of {source}) ' + original[3:]
    marked = copy.replace("def withdraw(amount):", "def withdraw(amount):  # expect: NS107", 1)
    assert without_allowed_differences(marked) == (source, original)
    dropped = marked.replace('    Storage.remove("op:" + str(op))\n', "", 1)
    assert without_allowed_differences(dropped)[1] != original
