"""Pythons with near-kit for the node's tests (made once under near_safe's cache folder).

nearkit_python(): near-kit's own virtualenv (near-kit alone; pytest with with_pytest=True), or
the interpreter NEAR_KIT_PYTHON names.

layered_python(): a Python that has near-kit AND everything near_safe's suite has, in one
process.  near-kit's import package ``near`` and near-sdk-py's ``near`` stub cannot share one
site-packages (the one installed last owns ``near/__init__.py``).  A virtualenv made with
``--system-site-packages`` over this interpreter, with near-kit installed into it, puts
near-kit's ``near`` first on sys.path while nearc, near_sdk_py and near_safe still come from the
environment below: the layout docs/node.md recommends to users who deploy from a project that
also builds."""

import os
import subprocess
import sys

NEAR_KIT = "near-kit==1.3.0"


def layered_python() -> str:
    from near_safe._facts import cache_root

    venv = cache_root() / "deploy-venv"
    python = venv / "bin" / "python"
    probe = "import near.client, near_safe, near_safe.builder, nearc"
    ok = python.exists() and subprocess.run([str(python), "-c", probe],
                                            capture_output=True).returncode == 0
    if not ok:
        subprocess.run([sys.executable, "-m", "venv", "--clear", "--system-site-packages",
                        str(venv)], check=True)
        if sys.prefix != sys.base_prefix:  # this interpreter is a venv (the 3.13 lane's):
            # --system-site-packages reaches only the base interpreter, so this environment's
            # site-packages come after near-kit's through a .pth file
            import site
            from pathlib import Path

            purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                                      "get_paths()['purelib'])"], capture_output=True,
                                     text=True, check=True).stdout.strip()
            Path(purelib, "_near_safe_parent.pth").write_text(
                "\n".join(site.getsitepackages()) + "\n")
        r = subprocess.run([str(python), "-m", "pip", "install", "-q",
                            "--disable-pip-version-check", NEAR_KIT],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"pip install {NEAR_KIT} failed:\n{r.stdout}\n{r.stderr}"
        r = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    return str(python)


def nearkit_python(with_pytest: bool = False) -> str:
    given = os.environ.get("NEAR_KIT_PYTHON")
    if given:
        return given
    from near_safe._facts import cache_root

    venv = cache_root() / "near-kit-venv"
    python = venv / "bin" / "python"
    probe = "import near.testing, near.client" + (", pytest" if with_pytest else "")
    if python.exists() and subprocess.run([str(python), "-c", probe],
                                          capture_output=True).returncode == 0:
        return str(python)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    wanted = [NEAR_KIT] + (["pytest>=8"] if with_pytest else [])
    r = subprocess.run([str(python), "-m", "pip", "install", "-q",
                        "--disable-pip-version-check", *wanted],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"pip install {wanted} failed:\n{r.stdout}\n{r.stderr}"
    return str(python)
