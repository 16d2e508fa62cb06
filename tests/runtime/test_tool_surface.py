"""The tools (explorer, near-pytest backend, node, checker, CLI, demo) use the runtime through
its public surface (``near_safe.testing``): no import of its private modules, no private
attribute of a Runtime (issue 13's seam)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "near_safe"
TOOLS = ["explore", "compat", "node", "check", "cli.py", "_demo.py", "templates_cli.py",
         "docs_cli.py"]


def _files():
    for name in TOOLS:
        path = ROOT / name
        yield from (sorted(path.rglob("*.py")) if path.is_dir() else [path])


def test_tools_import_only_the_public_runtime():
    bad = []
    for path in _files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module
                if node.level:  # relative: resolve against near_safe/<tool>/
                    module = ".".join(["near_safe"] + list(path.relative_to(ROOT).parts[:-1])
                                      [:len(path.relative_to(ROOT).parts) - node.level] + [module])
                if "testing._" in module or module.startswith("near_safe.testing._"):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
    assert bad == []


def test_tools_touch_no_private_runtime_attribute():
    bad = []
    for path in _files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                    and node.value.id in ("rt", "runtime")):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    assert bad == []
