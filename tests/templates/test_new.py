"""`near-safe new`: generate a project with the real CLI, build its contracts, run its tests.

This is how CI proves the template works: the generated project's own pytest suite runs in a
subprocess (its pyproject.toml selects both runtime modes) and must pass."""

import re
import subprocess
import sys
import tomllib

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import near_safe

NAME = "tmpl-check-vault"
MODULE = "tmpl_check_vault"


def cli(*args, cwd=None, stdin=None):
    proc = subprocess.run([sys.executable, "-m", "near_safe.cli", *args], cwd=cwd,
                          input=stdin if stdin is not None else "", capture_output=True,
                          text=True, timeout=900, check=False)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module", params=["class", "functions"])
def style(request):
    return request.param


@pytest.fixture(scope="module")
def project(tmp_path_factory, style):
    out = tmp_path_factory.mktemp("generated-" + style)
    extra = [] if style == "class" else ["--style", style]  # class is the default
    code, stdout, stderr = cli("new", NAME, "-d", str(out), "--no-input", *extra)
    assert code == 0, stderr
    assert f"created {out / NAME}" in stdout
    return out / NAME


def test_style_shapes_the_contracts(project, style):
    """Same vault, same methods and tests: a Contract class (near-sdk-py's shape) or
    module-level functions."""
    for stem in (MODULE, "pool"):
        source = (project / "contracts" / f"{stem}.py").read_text()
        classes = re.findall(r"^class (\w+)\(Contract\):", source, re.MULTILINE)
        functions = re.findall(r"^def (\w+)\(", source, re.MULTILINE)
        if style == "class":
            assert classes == [{MODULE: "Vault", "pool": "Pool"}[stem]] and functions == []
            assert "self.storage[" in source or "self.storage.get(" in source
        else:
            assert classes == [] and "deposit" in functions


def test_project_has_the_promised_files(project):
    generated = [p for p in project.rglob("*") if p.is_file()
                 and not {"build", "__pycache__"} & set(p.relative_to(project).parts)]
    assert sorted(str(p.relative_to(project)) for p in generated) == sorted([
        ".gitignore", "README.md", f"contracts/{MODULE}.py", "contracts/pool.py",
        "pyproject.toml", "tests/conftest.py", f"tests/test_{MODULE}.py"])
    for path in generated:
        text = path.read_text()
        assert "{{" not in text and "{%" not in text and "cookiecutter" not in text, path


def test_pyproject_depends_on_this_near_safe_and_tests_both_modes(project):
    meta = tomllib.loads((project / "pyproject.toml").read_text())
    assert meta["project"]["name"] == NAME
    [dep] = meta["project"]["dependencies"]
    name, spec = re.fullmatch(r"([a-z-]+)(.*)", dep).groups()
    assert name == "near-safe"
    assert Version(near_safe.__version__) in SpecifierSet(spec)
    assert "--near-mode=both" in meta["tool"]["pytest"]["ini_options"]["addopts"]


def test_contract_uses_near_safe_and_passes_the_checker(project):
    source = (project / "contracts" / f"{MODULE}.py").read_text()
    assert "from near_safe import" in source and "safe_call(" in source
    code, stdout, stderr = cli("check", "contracts", cwd=project)
    assert code == 0, stdout + stderr
    assert "0 findings" in stdout


def test_project_builds_and_its_own_tests_pass_in_both_modes(project):
    for stem in (MODULE, "pool"):
        code, _, stderr = cli("build", f"contracts/{stem}.py", "-o", f"build/{stem}.wasm",
                              cwd=project)
        assert code == 0, stderr
        assert (project / "build" / f"{stem}.wasm").read_bytes()[:4] == b"\0asm"
    readme = (project / "README.md").read_text()
    assert f"near-safe build contracts/{MODULE}.py" in readme and "\npytest" in readme
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-rA"], cwd=project, capture_output=True, text=True, timeout=900,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    tests = re.findall(r"^def (test_\w+)", (project / "tests" / f"test_{MODULE}.py").read_text(),
                       re.MULTILINE)
    passed = re.findall(r"^PASSED \S+::(test_\w+)\[(wasm|python)\]", proc.stdout, re.MULTILINE)
    assert sorted(passed) == sorted((t, m) for t in tests for m in ("wasm", "python"))
    assert re.search(rf"\b{2 * len(tests)} passed\b", proc.stdout)


def test_project_explores_clean(project):
    """`near-safe explore` finds the vault's methods in both styles (nearc exports a class's
    methods through an instance) and its invariants hold."""
    code, stdout, stderr = cli("explore", "contracts", "--budget", "60", cwd=project)
    assert code == 0, stdout + stderr
    assert "no violation" in stdout and "60 schedules" in stdout
    assert f"settled_when_idle: no near_safe record or lock left when idle in {NAME}.near" in stdout


def test_unknown_style_is_refused(tmp_path):
    code, _, stderr = cli("new", "fine-name", "-d", str(tmp_path), "--style", "classes",
                          "--no-input")
    assert code == 2
    assert "invalid choice: 'classes'" in stderr and "functions" in stderr  # 3.13 drops quotes
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad, problem", [
    ("My-Vault", "is not valid"),
    ("1vault", "is not valid"),
    ("my--vault", "is not valid"),
    ("x" * 65, "is not valid"),
    ("json", "shadows a module"),
    ("near", "shadows a module"),
    ("pool", "shadows a module"),
    ("class", "shadows a module"),
])
def test_bad_name_is_refused_with_the_fix(tmp_path, bad, problem):
    code, _, stderr = cli("new", bad, "-d", str(tmp_path), "--no-input")
    assert code == 2
    assert problem in stderr and "e.g." in stderr
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_is_refused_and_left_alone(tmp_path):
    (tmp_path / NAME).mkdir()
    (tmp_path / NAME / "keep.txt").write_text("mine")
    code, _, stderr = cli("new", NAME, "-d", str(tmp_path), "--no-input")
    assert code == 2
    assert "already exists" in stderr and "-o DIR" in stderr
    assert [p.name for p in (tmp_path / NAME).iterdir()] == ["keep.txt"]


def test_name_typed_at_the_prompt_is_checked_too(tmp_path):
    code, _, stderr = cli("new", "fine-name", "-d", str(tmp_path), stdin="json\n\n")
    assert code == 2
    assert "shadows a module" in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_prompt_answers_reach_the_project(tmp_path):
    code, _, stderr = cli("new", "fine-name", "-d", str(tmp_path), stdin="\nMy own vault\n")
    assert code == 0, stderr
    meta = tomllib.loads((tmp_path / "fine-name" / "pyproject.toml").read_text())
    assert meta["project"]["description"] == "My own vault"


def test_prompt_without_answers_asks_for_no_input(tmp_path):
    code, _, stderr = cli("new", "fine-name", "-d", str(tmp_path), stdin="")
    assert code == 2
    assert "--no-input" in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_dash_o_is_refused_with_the_fix(tmp_path):
    """-o means an output file in build and check; new takes its folder after -d."""
    code, _, stderr = cli("new", "fine-name", "-o", str(tmp_path), "--no-input")
    assert code == 2
    assert f"near-safe new fine-name -d {tmp_path}" in stderr
    assert not (tmp_path / "fine-name").exists()


def test_template_and_docs_are_found_and_a_missing_one_names_the_fix():
    from near_safe import docs_cli, templates_cli
    from near_safe._facts import shipped_folder
    from near_safe.errors import UsageError

    assert (templates_cli.template_dir() / "cookiecutter.json").is_file()
    assert (docs_cli.docs_dir() / "safety.md").is_file()
    with pytest.raises(UsageError, match=r"project template is missing \(looked in .*_templates\)"
                       r": reinstall near-safe"):
        shipped_folder("_templates", "templates", "project/no-such-file", what="project template")
