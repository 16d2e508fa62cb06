"""Measuring the checker against a corpus of contracts with ``# expect:`` markers.

A corpus file marks every finding it should produce on the line it should be reported on::

    Storage.set("staked:" + user, str(staked + amount))  # expect: NS103
    def set_fee(self, fee):  # expect: NS107, NS112

The markers are written by hand from the contract's meaning, independently of the checker's
output, so comparing them with what the checker reports measures precision and recall
(used by tests/check/test_corpus.py and bench/bench_check.py).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ._config import Config
from ._engine import check_source

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9,\s]+)")


def expected(source: str) -> set[tuple[int, str]]:
    """``{(line, rule_id)}`` from the ``# expect:`` comments of a corpus file."""
    out = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            m = _EXPECT.search(tok.string)
            if m:
                for rid in m.group(1).split(","):
                    if rid.strip():
                        out.add((tok.start[0], rid.strip()))
    return out


def actual(source: str, path: str, config: Config | None = None) -> set[tuple[int, str]]:
    """``{(line, rule_id)}`` the checker reports (every rule on, no threshold)."""
    findings, error = check_source(source, path, config or Config(), apply_config=False)
    if error is not None:
        raise ValueError(f"{path}:{error.line}: corpus file does not parse: {error.message}")
    return {(f.line, f.rule) for f in findings}


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    files: int = 0
    mismatches: list = field(default_factory=list)  # (path, missing, unexpected)

    def add(self, path: str, want: set, got: set):
        self.files += 1
        for _, rid in want & got:
            self.tp[rid] += 1
        for _, rid in got - want:
            self.fp[rid] += 1
        for _, rid in want - got:
            self.fn[rid] += 1
        if want != got:
            self.mismatches.append((path, sorted(want - got), sorted(got - want)))

    def precision(self, rid=None) -> float:
        tp = self.tp[rid] if rid else sum(self.tp.values())
        fp = self.fp[rid] if rid else sum(self.fp.values())
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, rid=None) -> float:
        tp = self.tp[rid] if rid else sum(self.tp.values())
        fn = self.fn[rid] if rid else sum(self.fn.values())
        return tp / (tp + fn) if tp + fn else 1.0


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*.py") if p.is_file())


def score_corpus(root: Path, config: Config | None = None) -> Score:
    score = Score()
    root = Path(root)
    for path in corpus_files(root):
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        score.add(rel, expected(source), actual(source, rel, config))
    return score
