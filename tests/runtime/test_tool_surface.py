"""The tools (explorer, near-pytest backend, node, checker, CLI, demo) use the runtime through
its public surface (``near_safe.testing``): no import of its private modules, no private
attribute of a Runtime (issue 13's seam).  The runtime's own testing/_actions.py uses it only
through the explicit ActionHost boundary."""

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


# ------------------------------------------------------------ the actions' boundary
# testing/_actions.py is part of the runtime but lives outside _runtime.py: it reaches the
# runtime only through ActionHost (the runtime hands each ReceiptRun a _runtime._ActionHost).

ACTIONS = ROOT / "testing" / "_actions.py"


def _host_members() -> set:
    from near_safe.testing._actions import ActionHost

    return {n for n in vars(ActionHost) if not n.startswith("_")} | set(
        ActionHost.__annotations__)


def _boundary_violations(path: Path) -> list:
    """Uses of the runtime in ``path`` other than ActionHost's members."""
    members = _host_members()
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_runtime"):
            bad.append(f"{node.lineno} from {node.module}")
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr in ("runtime", "rt", "_rt"):  # the Runtime itself is not handed over
            bad.append(f"{node.lineno} .{node.attr}")
        base = node.value
        on_host = ((isinstance(base, ast.Attribute) and base.attr == "host")
                   or (isinstance(base, ast.Name) and base.id == "host"))
        if on_host and node.attr not in members:
            bad.append(f"{node.lineno} host.{node.attr} (ActionHost has {sorted(members)})")
    return bad


def test_actions_use_the_runtime_only_through_action_host():
    assert _boundary_violations(ACTIONS) == []


def test_the_boundary_check_catches_private_runtime_use(tmp_path):
    text = ACTIONS.read_text(encoding="utf-8")
    for bad in ("run.runtime._new_id('data')", "run.host._execute_vm(1)", "run.host.snapshot()",
                "host.restore(1)"):
        copy = tmp_path / "_actions.py"
        copy.write_text(f"{text}\n\ndef _injected(run, host):\n    return {bad}\n",
                        encoding="utf-8")
        assert len(_boundary_violations(copy)) == 1, bad
    copy.write_text(f"from ._runtime import Runtime\n{text}", encoding="utf-8")
    assert len(_boundary_violations(copy)) == 1


def test_the_runtime_implements_every_action_host_member():
    from near_safe.testing import Runtime
    from near_safe.testing._runtime import _ActionHost

    rt = Runtime(mode="python")
    host = _ActionHost(rt)
    assert [m for m in sorted(_host_members()) if not hasattr(host, m)] == []
    assert (host.config, host.height, host.block_timestamp(0)) == (
        rt.config, rt.height, rt.block_timestamp(0))
