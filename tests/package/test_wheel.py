"""A wheel-only install has what the CLI points to: every docs page named in near_safe's
messages and help texts, the template and the demo's example - read from the built wheel,
and `near-safe docs` run from the unpacked wheel (no checkout on the path)."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (path,) = out.glob("near_safe-*.whl")
    return path


@pytest.fixture(scope="module")
def unpacked(wheel, tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    zipfile.ZipFile(wheel).extractall(folder)
    return folder


def _pages_named_in_the_code():
    names = set()
    for py in (ROOT / "near_safe").rglob("*.py"):
        if "_examples" in py.parts or "_templates" in py.parts:
            continue
        names.update(re.findall(r"docs/([a-z0-9-]+)\.md", py.read_text(encoding="utf-8")))
    return names


def test_every_docs_page_the_code_names_is_in_the_wheel(wheel):
    inside = set(zipfile.ZipFile(wheel).namelist())
    named = _pages_named_in_the_code()
    assert {"safety", "explorer", "checker"} <= named  # the scan finds the references
    missing = sorted(p for p in named if f"near_safe/_docs/{p}.md" not in inside)
    assert missing == [], f"named in near_safe/ but not shipped: {missing}"
    shipped = {n for n in inside if n.startswith("near_safe/_docs/")}
    assert shipped == {f"near_safe/_docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}


def test_template_and_demo_example_are_in_the_wheel(wheel):
    inside = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith("_templates/project/cookiecutter.json") for n in inside)
    assert "near_safe/_examples/deposit_and_stake/vault_safe.py" in inside


def test_cpython_backend_pin_list_is_in_the_wheel(wheel):
    """`near-safe build --compiler py` reads it (near_safe/builder/_cpython.py PINS_FILE)."""
    assert "near_safe/builder/cpython_pins.txt" in zipfile.ZipFile(wheel).namelist()


def _cli(unpacked, *args):
    return subprocess.run([sys.executable, "-c", "import sys; from near_safe.cli import main; "
                           "sys.exit(main(sys.argv[1:]))", *args],
                          capture_output=True, text=True, cwd=unpacked,
                          env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"})


def test_docs_command_reads_the_pages_from_the_installed_package(unpacked):
    listing = _cli(unpacked, "docs")
    assert listing.returncode == 0, listing.stderr
    assert str(unpacked / "near_safe" / "_docs" / "explorer.md") in listing.stdout
    page = _cli(unpacked, "docs", "explorer")
    assert page.returncode == 0
    assert page.stdout == (ROOT / "docs" / "explorer.md").read_text(encoding="utf-8")
    bad = _cli(unpacked, "docs", "nonsense")
    assert bad.returncode == 2
    assert "no page 'nonsense': the pages are" in bad.stderr


def test_version_names_the_package_and_where_it_is(unpacked):
    out = _cli(unpacked, "--version")
    assert out.returncode == 0
    assert re.match(r"near-safe \d+\.\d+\.\d+ \(", out.stdout)
    assert str(unpacked / "near_safe") in out.stdout


def test_one_version_everywhere():
    # the CPython front door, the contract side's root (frozen into the Wasm) and the metadata
    import importlib.metadata

    import near_safe
    from near_safe import _root

    assert near_safe.__dict__["__version__"] == _root.__version__ == \
        importlib.metadata.version("near-safe")
