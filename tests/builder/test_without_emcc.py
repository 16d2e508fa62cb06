"""Only building needs emcc (issue 13): with emcc hidden from PATH, an already-built contract
runs - its cached Wasm from the runtime, the pytest plugin and the CLI, and a prebuilt .wasm -
while a contract that was never built is refused with the emcc message (exit code 2)."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from near_safe.builder import build

CONTRACT = textwrap.dedent('''\
    """Probe of test_without_emcc: built once with emcc, then run without it."""
    from near_sdk_py import call, view


    @view
    def hello():
        return "built once"


    @call
    def echo(word: str = "x"):
        return word
''')


@pytest.fixture
def no_emcc_env(tmp_path):
    """The environment with a PATH that holds the Python interpreter and nothing else."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = dict(os.environ, PATH=str(bin_dir))
    assert shutil.which("emcc", path=env["PATH"]) is None
    return env


@pytest.fixture
def built(tmp_path):
    """The probe contract built with emcc (a cache hit after the first run) and a copy of its
    Wasm outside the cache."""
    assert shutil.which("emcc"), "this test hides emcc: it needs emcc to build first"
    source = tmp_path / "no_emcc_probe.py"
    source.write_text(CONTRACT)
    result = build(source, tmp_path / "prebuilt.wasm", progress=False)
    return source, result


def run(env, *args, cwd):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600, check=False)


PREBUILT_TEST = textwrap.dedent('''\

    def test_prebuilt(near_deploy, near_runtime):
        c = near_deploy("prebuilt.wasm")
        assert near_runtime.view(c, "hello") == "built once"
''')


def run_pytest(env, test_file):
    """Run ``test_file`` plus a test deploying prebuilt.wasm under pytest: both must pass."""
    test_file.write_text(test_file.read_text().rstrip("\n") + "\n" + PREBUILT_TEST)
    out = run(env, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_file.name,
              cwd=test_file.parent)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "2 passed" in out.stdout


RUN_BOTH = textwrap.dedent('''\
    import sys
    from near_safe.testing import Runtime
    rt = Runtime()
    rt.deploy("src.near", sys.argv[1])
    rt.deploy("wasm.near", sys.argv[2])
    print(rt.view("src.near", "hello"), rt.view("wasm.near", "hello"))
''')


def test_built_contract_and_prebuilt_wasm_run_without_emcc(built, no_emcc_env, tmp_path):
    source, result = built
    out = run(no_emcc_env, "-c", RUN_BOTH, str(source), str(result.wasm), cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["built", "once", "built", "once"]


def test_pytest_plugin_runs_built_contracts_without_emcc(built, no_emcc_env, tmp_path):
    (tmp_path / "test_probe.py").write_text(textwrap.dedent('''\
        def test_source(near_deploy, near_runtime):
            c = near_deploy("no_emcc_probe.py")
            assert near_runtime.view(c, "hello") == "built once"

    '''))
    run_pytest(no_emcc_env, tmp_path / "test_probe.py")


def test_cli_build_of_a_built_contract_needs_no_emcc(built, no_emcc_env, tmp_path):
    source, result = built
    out = run(no_emcc_env, "-m", "near_safe.cli", "build", "-q", str(source), "-o",
              str(tmp_path / "again.wasm"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "again.wasm").read_bytes() == result.wasm.read_bytes()


def test_a_contract_never_built_still_needs_emcc(built, no_emcc_env, tmp_path):
    source, _ = built
    changed = tmp_path / "no_emcc_probe_changed.py"
    changed.write_text(CONTRACT.replace("built once", f"never built {os.getpid()} {tmp_path}"))
    out = run(no_emcc_env, "-m", "near_safe.cli", "build", "-q", str(changed), cwd=tmp_path)
    assert out.returncode == 2
    assert "emcc" in out.stderr and "install emscripten" in out.stderr


def test_prebuilt_wasm_runs_without_nearc_installed(built, no_emcc_env, tmp_path):
    """The lean extras ([run], [testing]) have no nearc: a prebuilt .wasm runs, in the runtime
    and the pytest plugin, with nearc unimportable."""
    _, result = built
    (tmp_path / "conftest.py").write_text("import sys\nsys.modules['nearc'] = None\n")
    (tmp_path / "test_lean.py").write_text(textwrap.dedent('''\
        import pytest

        def test_nearc_is_absent():
            with pytest.raises(ImportError):
                import nearc  # noqa: F401

    '''))
    run_pytest(no_emcc_env, tmp_path / "test_lean.py")
