"""Checker benchmark (issue 5): precision and recall on the corpus, and files per second.

Precision and recall compare the checker's findings with the ``# expect: <RULE>`` markers
written by hand in tests/check/corpus (a finding counts as a true positive only when the
same rule is marked on the same line). Speed is measured on a generated set of contract files
(variants and concatenations of the corpus files, so realistic sizes and idioms) checked from a
folder, discovery + reading + parsing + analysis, in-process and through the CLI.

Goal: at least 200 files per second. Goals, not timed tests.

Run: python bench/bench_check.py [--files N] [--repeat R] [--against REV]

``--against REV`` also times the checker of git revision REV on the same files, side by
side (alternating fresh processes), and prints the CPU-time ratio: the cost of a change.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from near_safe.check import RULES, Config, check_paths
from near_safe.check._corpus import corpus_files, score_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "check" / "corpus"
GOAL_FILES_PER_S = 200.0


def accuracy_table() -> None:
    score = score_corpus(CORPUS, Config())
    print(f"Accuracy on the corpus ({score.files} files, markers written by hand)")
    print(f"{'rule':<7}{'name':<30}{'TP':>4}{'FP':>4}{'FN':>4}{'precision':>11}{'recall':>8}")
    for rid in sorted(RULES):
        print(f"{rid:<7}{RULES[rid].name:<30}{score.tp[rid]:>4}{score.fp[rid]:>4}"
              f"{score.fn[rid]:>4}{score.precision(rid):>11.3f}{score.recall(rid):>8.3f}")
    tp, fp, fn = (sum(c.values()) for c in (score.tp, score.fp, score.fn))
    print(f"{'all':<37}{tp:>4}{fp:>4}{fn:>4}{score.precision():>11.3f}{score.recall():>8.3f}")
    for path, missing, unexpected in score.mismatches:
        for line, rid in missing:
            print(f"  missed     {rid} {path}:{line}")
        for line, rid in unexpected:
            print(f"  unexpected {rid} {path}:{line}")
    print()


def generate(folder: Path, n: int, seed: int = 5) -> int:
    """Write ``n`` contract files: renamed variants of corpus files, a third of them the
    concatenation of three files (larger modules). Returns the total number of lines."""
    rng = random.Random(seed)
    sources = [p.read_text(encoding="utf-8") for p in corpus_files(CORPUS)]
    lines = 0
    for i in range(n):
        if i % 3 == 2:
            text = "\n\n".join(rng.choice(sources) for _ in range(3))
        else:
            text = rng.choice(sources)
        text = text.replace("pool.near", f"pool{i}.near").replace('"pending"', f'"pending{i}"')
        sub = folder / f"pkg{i % 10}"
        sub.mkdir(exist_ok=True)
        (sub / f"contract_{i}.py").write_text(text, encoding="utf-8")
        lines += text.count("\n") + 1
    return lines


def speed(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "contracts"
        folder.mkdir()
        lines = generate(folder, n)
        check_paths([folder], config=Config())  # warm imports and caches (not counted)
        walls, cpus = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            report = check_paths([folder], config=Config())
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        assert report.files == n and not report.errors
        t, c = statistics.median(walls), statistics.median(cpus)
        rate, cpu_rate = n / t, n / c
        print(f"Speed on {n} generated files ({lines} lines, {len(report.findings)} findings), "
              f"median of {repeat}; load average now {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores")
        print(f"  in-process check_paths, wall: {t * 1000:.0f} ms = {rate:.0f} files/s "
              f"({lines / t:.0f} lines/s); goal {GOAL_FILES_PER_S:.0f} files/s: "
              f"ratio {rate / GOAL_FILES_PER_S:.2f} "
              f"({'met' if rate >= GOAL_FILES_PER_S else 'NOT met'})")
        print(f"  in-process check_paths, CPU time: {c * 1000:.0f} ms = {cpu_rate:.0f} files/s; "
              f"ratio {cpu_rate / GOAL_FILES_PER_S:.2f} (what one idle core would give)")
        # an empty config file: the defaults, whatever pyproject.toml is above the temp dir
        (Path(tmp) / "empty.toml").write_text("")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "near_safe.cli", "check", str(folder),
                               "--format", "json", "--config", str(Path(tmp) / "empty.toml")],
                              capture_output=True, text=True)
        cli = time.perf_counter() - t0
        assert proc.returncode == 1, proc.stderr
        cli_rate = n / cli
        print(f"  CLI end to end (new process, JSON output): {cli * 1000:.0f} ms = "
              f"{cli_rate:.0f} files/s; ratio to goal {cli_rate / GOAL_FILES_PER_S:.2f}")


_TIME_ONE = ("import sys, time\n"
             "sys.path.insert(0, sys.argv[1])\n"
             "from near_safe.check import Config, check_paths\n"
             "check_paths([sys.argv[2]], config=Config())\n"
             "c = time.process_time()\n"
             "check_paths([sys.argv[2]], config=Config())\n"
             "print(time.process_time() - c)\n")


def against(rev: str, n: int, rounds: int) -> None:
    """CPU time of this checkout's checker and of git revision ``rev``'s (its near_safe
    package extracted with git archive) on the same generated files, alternating runs, each in
    a fresh process; prints the ratio of the minimums."""
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "near_safe"],
                                 capture_output=True, check=False)
        if archive.returncode != 0:
            print(f"--against {rev}: git archive failed: {archive.stderr.decode().strip()}; "
                  f"give a commit of this repository", file=sys.stderr)
            sys.exit(2)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        folder = Path(tmp) / "contracts"
        folder.mkdir()
        generate(folder, n)
        times = {"this checkout": [], rev: []}
        for _ in range(rounds):
            for name, root in (("this checkout", ROOT), (rev, old)):
                out = subprocess.run([sys.executable, "-c", _TIME_ONE, str(root), str(folder)],
                                     capture_output=True, text=True, cwd=tmp, check=False)
                if out.returncode != 0:
                    print(f"--against {rev}: that checker failed: {out.stderr.strip()[-300:]}",
                          file=sys.stderr)
                    sys.exit(2)
                times[name].append(float(out.stdout))
        new_t, old_t = min(times["this checkout"]), min(times[rev])
        print(f"Side by side on {n} generated files, CPU time, min of {rounds} alternating "
              f"runs: this checkout {new_t * 1000:.0f} ms, {rev} {old_t * 1000:.0f} ms; "
              f"ratio {new_t / old_t:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", metavar="REV",
                    help="also time git revision REV's checker side by side (e.g. a commit "
                         "before a change)")
    args = ap.parse_args()
    accuracy_table()
    speed(args.files, args.repeat)
    if args.against:
        against(args.against, min(args.files, 600), 6)


if __name__ == "__main__":
    main()
