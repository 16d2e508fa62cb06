"""``near-safe docs [PAGE]``: near_safe's documentation, from the installed package.

The pages (docs/*.md in the repository) ship inside the package as ``near_safe/_docs``, so a
wheel-only install can read every page the CLI and the error messages point to.  Without a
page: the list of pages with their paths.  With one (``explorer``, ``safety.md``, ...): the page
itself on standard output.  An unknown page is a usage error naming the known ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ._facts import shipped_folder
from .errors import UsageError


def add_arguments(parser) -> None:
    parser.add_argument("page", nargs="?", help="a page, e.g. safety, explorer, checker "
                        "(default: list the pages)")
    parser.add_argument("--path", action="store_true",
                        help="print the page's file path instead of its text")


def docs_dir() -> Path:
    """The documentation folder: in the package (installed), else in the checkout."""
    return shipped_folder("_docs", "docs", "safety.md", what="documentation")


def pages() -> dict:
    """Page name -> path, e.g. ``{"safety": .../safety.md}``."""
    return {p.stem: p for p in sorted(docs_dir().glob("*.md"))}


def page_path(name: str) -> Path:
    known = pages()
    stem = name[:-3] if name.endswith(".md") else name
    stem = stem.rsplit("/", 1)[-1]
    if stem not in known:
        raise UsageError(f"no page {name!r}: the pages are {', '.join(known)} "
                         "(e.g. near-safe docs safety)")
    return known[stem]


def run(args) -> int:
    if args.page is None:
        for name, path in pages().items():
            title = path.read_text(encoding="utf-8").split("\n", 1)[0].lstrip("# ").strip()
            print(f"{name:14} {title}  ({path})")
        return 0
    path = page_path(args.page)
    if args.path:
        print(path)
    else:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    return 0
