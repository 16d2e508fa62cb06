"""``near-safe new NAME [-d DIR] [--style class|functions] [--no-input]``: a new project from
near_safe's template.

The template is a cookiecutter template (templates/project in the repository), shipped inside
the package as ``near_safe/_templates`` so that an installed near-safe finds it.  Bad input
raises :class:`~near_safe.errors.UsageError` (the CLI prints it and exits 2): an invalid name,
a folder that already exists, a missing cookiecutter.

Two styles of the same vault (same methods, storage and tests): ``class`` (the default: a
``Contract`` subclass, as near-sdk-py's quickstart writes contracts) and ``functions``
(module-level functions).  The template's private variable ``__style`` selects one.
"""

from __future__ import annotations

import argparse
import keyword
import logging
import re
import sys
from pathlib import Path

from ._facts import shipped_folder
from .errors import UsageError

NAME_RULE = re.compile(r"[a-z][a-z0-9]*([-_][a-z0-9]+)*")
# A contract module with one of these names would shadow what the contracts import (the
# frozen ``near`` module, near_safe, the SDK) or a file of the template.
RESERVED = {"near", "near_safe", "near_sdk_py", "pool", "conftest", "test", "tests"}
STYLES = ("class", "functions")


def add_arguments(parser) -> None:
    parser.add_argument("name", help="project name: lowercase letters, digits, '-' or '_' "
                        "(e.g. my-vault); also the folder's name")
    parser.add_argument("-d", "--output-dir", default=".", metavar="DIR",
                        help="where to create the project folder (default: here)")
    # -o means an output FILE everywhere else (build, check): refused here with the fix
    parser.add_argument("-o", dest="misused_o", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--style", choices=STYLES, default="class",
                        help="class: a Contract subclass, as near-sdk-py writes contracts "
                        "(default); functions: module-level functions")
    parser.add_argument("--no-input", action="store_true",
                        help="do not prompt; use the default description")


def template_dir() -> Path:
    """The cookiecutter template: in the package (installed), else in the checkout."""
    return shipped_folder("_templates", "templates", "project/cookiecutter.json",
                          "project/{{cookiecutter.project_name}}/pyproject.toml",
                          what="project template") / "project"


def check_name(name: str) -> str:
    """The Python module name for project ``name``; UsageError naming the problem and fix."""
    if not NAME_RULE.fullmatch(name) or len(name) > 64:
        raise UsageError(f"project name {name!r} is not valid: use lowercase letters, digits "
                         "and single '-' or '_' between them, starting with a letter, at most "
                         "64 characters (e.g. my-vault)")
    module = name.replace("-", "_")
    if keyword.iskeyword(module) or module in RESERVED or module in sys.stdlib_module_names:
        raise UsageError(f"project name {name!r} would make the contract module {module}.py, "
                         "which shadows a module of that name the contracts or tests import: "
                         f"pick another name (e.g. {name}-vault)")
    return module


def create(name: str, output_dir, no_input: bool = True, style: str = "class") -> Path:
    """Generate the project in ``style`` (class or functions); returns its folder."""
    check_name(name)
    if style not in STYLES:
        raise UsageError(f"--style {style}: unknown style, use class or functions")
    out = Path(output_dir)
    target = out / name
    if target.exists():
        raise UsageError(f"{target} already exists: pick another name or another folder "
                         "with -o DIR")
    if out.exists() and not out.is_dir():
        raise UsageError(f"-o {out}: is a file, not a folder: give a folder")
    try:
        from cookiecutter.exceptions import (
            CookiecutterException,
            FailedHookException,
            OutputDirExistsException,
        )
        from cookiecutter.main import cookiecutter
    except ImportError:
        raise UsageError("cookiecutter is not installed: pip install 'near-safe[templates]'"
                         ) from None
    # cookiecutter logs a traceback when the name hook refuses a name typed at the prompt; the
    # hook's own message (on stderr) says what is wrong, so keep only that.
    hook_log = logging.getLogger("cookiecutter.hooks")
    saved_level = hook_log.level
    hook_log.setLevel(logging.CRITICAL)
    try:
        made = cookiecutter(str(template_dir()), no_input=no_input, output_dir=str(out),
                            extra_context={"project_name": name, "__style": style})
    except OutputDirExistsException as e:
        raise UsageError(f"{e}: pick another name or another folder with -o DIR") from None
    except FailedHookException:
        raise UsageError("the project name typed at the prompt was refused (the reason is "
                         "above): run again and keep or fix the name") from None
    except CookiecutterException as e:
        raise UsageError(f"the template could not be rendered: {e}") from None
    except EOFError:
        raise UsageError("the prompts got no answer (standard input ended): run in a terminal, "
                         "or pass --no-input to use the defaults") from None
    finally:
        hook_log.setLevel(saved_level)
    return Path(made)


def run(args) -> int:
    if args.misused_o is not None:
        raise UsageError(f"-o names an output file in near-safe (build, check); the project's "
                         f"folder goes after -d: near-safe new {args.name} -d {args.misused_o}")
    project = create(args.name, args.output_dir, no_input=args.no_input, style=args.style)
    module = project.name.replace("-", "_")
    print(f"created {project}")
    shape = "a Contract class" if args.style == "class" else "module-level functions"
    print(f"  contracts/{module}.py  a vault with safe cross-contract deposit and withdraw "
          f"({shape})")
    print("  contracts/pool.py      the contract it calls")
    print("  tests/                 pytest, both runtime modes")
    print("next:")
    print(f"  cd {project}")
    print("  pip install -e '.[dev]'")
    print(f"  near-safe build contracts/{module}.py -o build/{module}.wasm")
    print("  pytest")
    return 0
