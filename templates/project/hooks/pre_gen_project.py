"""Refuse a project name the contract cannot carry, also when it was typed at the prompt.
(The same rules as ``near-safe new``'s check in near_safe/templates_cli.py.)"""

import keyword
import re
import sys

NAME = "{{ cookiecutter.project_name }}"
MODULE = NAME.replace("-", "_")
RESERVED = {"near", "near_safe", "near_sdk_py", "pool", "conftest", "test", "tests"}

if not re.fullmatch(r"[a-z][a-z0-9]*([-_][a-z0-9]+)*", NAME) or len(NAME) > 64:
    sys.stderr.write(f"project name {NAME!r} is not valid: use lowercase letters, digits and "
                     "single '-' or '_' between them, starting with a letter, at most 64 "
                     "characters (e.g. my-vault)\n")
    sys.exit(1)
if keyword.iskeyword(MODULE) or MODULE in RESERVED or MODULE in sys.stdlib_module_names:
    sys.stderr.write(f"project name {NAME!r} would make the contract module {MODULE}.py, which "
                     "shadows a module of that name the contracts or tests import: pick "
                     f"another name (e.g. {NAME}-vault)\n")
    sys.exit(1)
