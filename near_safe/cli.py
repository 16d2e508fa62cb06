"""`near-safe`: the command-line entry point (CPython only).

Each subcommand lives in the module of the part it belongs to and exposes two functions:
``add_arguments(parser)`` and ``run(args) -> int``.  This file only wires them together, so a
subcommand's imports (wasmtime, nearc, cookiecutter) are paid only when it runs.

Exit codes: 0 success, 1 findings/failures reported by the subcommand, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import UsageError

# name -> (module, one-line help)
SUBCOMMANDS = dict(  # noqa: C408  keyword rows: a table, not a second copy of the same-shaped literals elsewhere
    build=("near_safe.builder._cli", "compile a contract to Wasm (cached)"),
    check=("near_safe.check._cli", "find unsafe cross-contract patterns in contracts"),
    demo=("near_safe._demo", "run the demo on the embedded NEAR runtime"),
    deploy=("near_safe.deploy._cli", "deploy and initialize a contract in one transaction"),
    docs=("near_safe.docs_cli", "read near_safe's documentation (installed with it)"),
    explore=("near_safe.explore._cli", "explore interleavings and failures of a contract folder"),
    new=("near_safe.templates_cli", "create a new project from the near_safe template"),
    node=("near_safe.node._cli", "run a local NEAR node (JSON-RPC) on the embedded runtime"),
)


def _version() -> str:
    """near-safe's version, where it is installed, and the nearc it builds with (if any)."""
    from importlib.metadata import PackageNotFoundError, version
    from pathlib import Path

    from . import __version__

    try:
        nearc = "nearc " + version("nearc")
    except PackageNotFoundError:
        nearc = "nearc not installed (pip install 'near-safe[build]')"
    where = Path(__file__).resolve().parent
    return (f"near-safe {__version__} ({where}; Python {sys.version.split()[0]}; {nearc})")


def _parser(loaded):
    parser = argparse.ArgumentParser(
        prog="near-safe", description=__doc__.splitlines()[0],
        epilog="Documentation, installed with the package: near-safe docs [PAGE]; a reference "
               "to docs/PAGE.md in a message is the page near-safe docs PAGE prints.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        module = loaded.get(name)
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if module is not None:
            module.add_arguments(sp)
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    loaded = {}
    command = next((a for a in argv if not a.startswith("-")), None)
    if command in SUBCOMMANDS:
        module_name = SUBCOMMANDS[command][0]
        try:
            loaded[command] = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                print(f"near-safe: the '{command}' command is not available in this "
                      f"installation ({module_name} is missing)", file=sys.stderr)
                return 2
            raise
    parser = _parser(loaded)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(loaded[args.command].run(args) or 0)
    except UsageError as exc:
        print(f"near-safe {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
