"""near-api-js for the node's tests: ``npm ci`` of tests/node/js/package-lock.json into
near_safe's cache folder, once per lock (the folder is named by the lock's hash, so a changed
lock installs afresh and an unchanged one costs nothing).  CI reaches it through ``./dev test``
(pytest): the first test that needs near-api-js installs it.

    js_folder() -> Path   a folder holding node_modules/ and a copy of tests/node/js/*.mjs
"""

import hashlib
import shutil
import subprocess
from pathlib import Path

JS = Path(__file__).parent / "js"


def js_folder() -> Path:
    from near_safe._facts import cache_root

    lock = (JS / "package-lock.json").read_bytes()
    folder = cache_root() / "node-js" / hashlib.sha256(lock).hexdigest()[:16]
    done = folder / "node_modules" / ".near_safe_installed"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(JS / "package.json", folder)
        shutil.copy(JS / "package-lock.json", folder)
        npm = shutil.which("npm")
        assert npm, "npm is not installed: apt-get install nodejs npm (Node.js 20 or newer)"
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=folder, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"npm ci in {folder} failed:\n{r.stdout}\n{r.stderr}"
        done.write_text("npm ci of this folder's package-lock.json finished\n")
    for script in JS.glob("*.mjs"):  # beside node_modules, so `import "near-api-js"` resolves
        shutil.copy(script, folder)
    return folder
