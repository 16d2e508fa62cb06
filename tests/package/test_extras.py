"""The extras of pyproject.toml (issue 13): a lean set for testing prebuilt Wasm without nearc's
release tooling, [all] the union of the others, [dev] everything the suite needs, and the README
saying what each one does."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def names(reqs):
    return {re.split(r"[<>=!\[~ ;]", r)[0].lower() for r in reqs}


def test_lean_extras_pull_no_compiler():
    for lean in ("run", "testing"):
        assert not names(EXTRAS[lean]) & {"nearc", "near-pytest", "cookiecutter"}, lean
    assert names(EXTRAS["run"]) <= names(EXTRAS["testing"])
    assert {"wasmtime", "pynacl"} <= names(EXTRAS["run"]) and "pytest" in names(EXTRAS["testing"])


def test_all_is_the_union_of_the_others():
    others = set().union(*(set(v) for k, v in EXTRAS.items() if k not in ("all", "dev")))
    assert set(EXTRAS["all"]) == others


def test_dev_installs_everything_the_suite_needs():
    assert "near-safe[all]" in EXTRAS["dev"]
    assert {"hypothesis", "wheel"} <= names(EXTRAS["dev"])


def test_readme_says_what_each_extra_does():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Which extra to install", 1)[1].split("\n## ", 1)[0]
    for extra in EXTRAS:
        assert f"`near-safe[{extra}]`" in section, f"README's extras table lacks [{extra}]"
