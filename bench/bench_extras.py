"""What each extra of near-safe pulls: packages resolved by pip for a fresh venv (dry run, no
install), their installed size where this environment has them, and how many come only through
nearc's release tool (python-semantic-release).  Figures of README.md's "Which extra to install".

    python bench/bench_extras.py            (uses the network or pip's configured index)
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def norm(name: str) -> str:
    return name.lower().replace("_", "-")


def resolve(pip: Path, spec: str) -> dict:
    """name -> its unconditional requirements, for everything pip would install for ``spec``."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        out = subprocess.run([str(pip), "install", "-q", "--dry-run", "--ignore-installed",
                              "--report", report.name, spec], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"pip could not resolve {spec}:\n{out.stderr[-2000:]}")
        data = json.loads(Path(report.name).read_text())
    graph = {}
    for item in data["install"]:
        meta = item["metadata"]
        requires = [d for d in meta.get("requires_dist") or [] if "extra ==" not in d]
        graph[norm(meta["name"])] = [norm(re.split(r"[ ;<>=!\[~(]", d)[0]) for d in requires]
    graph.pop("near-safe", None)
    return graph


def size(name: str) -> int | None:
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return None
    return sum(os.path.getsize(dist.locate_file(f)) for f in dist.files or []
               if os.path.exists(dist.locate_file(f)))


def closure(graph: dict, roots, skip=()) -> set:
    seen, stack = set(), list(roots)
    while stack:
        n = stack.pop()
        if n in seen or n in skip or n not in graph:
            continue
        seen.add(n)
        stack += graph[n]
    return seen


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "venv", tmp], check=True)
        pip = Path(tmp) / "bin" / "pip"
        print(f"{'extra':12} {'packages':>8} {'MB':>6}  unmeasured")
        for extra in ["(none)", *[e for e in extras if e != "dev"]]:
            spec = str(ROOT) if extra == "(none)" else f"{ROOT}[{extra}]"
            graph = resolve(pip, spec)
            sizes = {n: size(n) for n in graph}
            known = sum(s for s in sizes.values() if s)
            missing = sorted(n for n, s in sizes.items() if s is None)
            print(f"{extra:12} {len(graph):8} {known / 1e6:6.0f}  {', '.join(missing) or '-'}")
            if extra == "build":
                release = closure(graph, ["nearc"]) - closure(graph, ["nearc"],
                                                              skip={"python-semantic-release"})
                release_mb = sum(sizes[n] or 0 for n in release) / 1e6
                print(f"{'':12} of which only through python-semantic-release: {len(release)} "
                      f"packages, {release_mb:.0f} MB")


if __name__ == "__main__":
    main()
