"""A Python that has near-kit AND everything near_safe's suite has, in one process (tests only).

near-kit's import package ``near`` and near-sdk-py's ``near`` stub cannot share one
site-packages (the one installed last owns ``near/__init__.py``).  A virtualenv made with
``--system-site-packages`` over this interpreter, with near-kit installed into it, puts
near-kit's ``near`` first on sys.path while nearc, near_sdk_py and near_safe still come from the
environment below: the layout docs/node.md recommends to users who deploy from a project that
also builds.  Made once under near_safe's cache folder."""

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
        r = subprocess.run([str(python), "-m", "pip", "install", "-q",
                            "--disable-pip-version-check", NEAR_KIT],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"pip install {NEAR_KIT} failed:\n{r.stdout}\n{r.stderr}"
        r = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    return str(python)
