"""Checking files: discovery, parsing, running the rules, suppressions, thresholds."""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import UsageError
from ._analysis import analyze
from ._config import Config, ConfigFinder
from ._model import Module
from ._names import Imports, TGAS, module_constants, walk
from ._rules import PARSE_ERROR_ID, RULES, severity_rank

#: Directories never descended into when a folder is checked.
SKIP_DIRS = {"build", "dist", "venv", ".venv", "env", ".env", "__pycache__", "node_modules",
             "site-packages", ".git", ".hg", ".tox", ".nox", ".eggs", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", "target"}

#: Fallback minimum callback gas when near_safe's measured constant cannot be read (NS106).
FALLBACK_MIN_CALLBACK_GAS = 20 * TGAS

_SUPPRESS = re.compile(r"#\s*near-safe:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: str
    path: str
    line: int
    column: int  # 1-based
    message: str
    why: str
    fix: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ParseError:
    path: str
    line: int
    column: int
    message: str

    def as_dict(self) -> dict:
        return {"rule": PARSE_ERROR_ID, **asdict(self)}


@dataclass
class Report:
    findings: list
    errors: list
    files: int

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.findings else 0


@lru_cache(maxsize=1)
def near_safe_constants() -> dict:
    """Integer constants of near_safe's contract side, read statically (never imported: that
    code is written for MicroPython), e.g. its measured reserved callback gas."""
    root = Path(__file__).resolve().parent.parent
    files = [root / "_root.py", *sorted((root / "contract").glob("*.py"))]  # the contract side
    out = {}
    for f in files:
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        for name, value in module_constants(tree, Imports(tree), {}).items():
            if isinstance(value, int):
                out[f"near_safe.{name}"] = value
    return out


def default_min_callback_gas() -> int:
    """near_safe's measured reserve for a callback if it publishes one, else the fallback."""
    consts = near_safe_constants()
    for name in ("near_safe.CALLBACK_GAS", "near_safe.MIN_CALLBACK_GAS",
                 "near_safe.DEFAULT_CALLBACK_GAS", "near_safe.CALLBACK_RESERVED_GAS"):
        if consts.get(name):
            return consts[name]
    return FALLBACK_MIN_CALLBACK_GAS


def _suppressions(source: str) -> dict[int, set | None]:
    """line -> rule ids suppressed there (None: every rule), from ``# near-safe: ignore[...]``
    comments (real comments only, found with tokenize)."""
    if "near-safe" not in source:
        return {}
    out: dict[int, set | None] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return {}
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        m = _SUPPRESS.search(tok.string)
        if not m:
            continue
        line = tok.start[0]
        if m.group(1) is None:
            out[line] = None
        elif out.get(line, set()) is not None:
            ids = {i.strip().upper() for i in m.group(1).split(",") if i.strip()}
            out[line] = out.get(line, set()) | ids
    return out


def check_source(source: str, path: str = "<string>", config: Config | None = None,
                 apply_config: bool = True):
    """Check one module's source. Returns ``(findings, parse_error_or_None)``.

    With ``apply_config=False`` every rule is reported (no disable, no threshold) but
    suppression comments still apply."""
    config = config or Config()
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        return [], ParseError(path, exc.lineno or 1, exc.offset or 1,
                              f"cannot parse: {exc.msg}")
    except ValueError as exc:  # e.g. null bytes
        return [], ParseError(path, 1, 1, f"cannot parse: {exc}")
    if "near" not in source:  # every rule needs near, near_sdk_py or near_safe
        return [], None
    extra = near_safe_constants()
    nodes = list(walk(tree))
    imports = Imports(tree, nodes)
    module = Module(tree, imports, module_constants(tree, imports, extra), extra, nodes)
    min_gas = config.min_callback_gas or default_min_callback_gas()
    suppressed = _suppressions(source)
    findings = []
    for rule_id, node, message in analyze(module, min_gas):
        rule = RULES[rule_id]
        if apply_config and (not config.rule_on(rule_id) or
                             severity_rank(rule.severity) > severity_rank(config.severity)):
            continue
        ids = suppressed.get(node.lineno, set())
        if ids is None or rule_id in ids:
            continue
        findings.append(Finding(rule_id, rule.name, rule.severity, path, node.lineno,
                                node.col_offset + 1, message, rule.why, rule.fix))
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return findings, None


def discover(paths) -> list[Path]:
    """Files to check: explicit files as given; folders recursed for *.py, skipping build,
    virtual-env, VCS and cache folders (and hidden ones)."""
    out = []
    for p in paths:
        p = Path(p)
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                                 and not d.endswith(".egg-info")
                                 and not (Path(root, d, "pyvenv.cfg").exists()))
                for name in sorted(files):
                    if name.endswith(".py"):
                        out.append(Path(root, name))
        else:
            raise UsageError(f"{p}: no such file or folder; pass contract files or folders "
                             f"to check")
    return out


def _display(path: Path, cwd: Path) -> str:
    """The path as given when relative, else relative to the working folder when inside it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def check_paths(paths, config: Config | None = None, overrides: dict | None = None) -> Report:
    """Check files and folders. ``config`` fixes the configuration for every file (as
    ``--config`` does); otherwise each file uses its nearest pyproject.toml. ``overrides``
    (disable/enable/severity/min_callback_gas) apply on top, as command-line options do."""
    finder = ConfigFinder(fixed=config)
    cwd = Path.cwd()
    files = discover(paths)
    findings, errors = [], []
    for f in files:
        cfg = finder.for_file(f)
        if overrides:
            extra_disable = overrides.get("disable")
            cfg = cfg.merged(**{k: v for k, v in overrides.items() if k != "disable"})
            if extra_disable:
                cfg = cfg.merged(disable=cfg.disable | extra_disable)
        shown = _display(f, cwd)
        try:
            source = f.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            errors.append(ParseError(shown, 1, 1, f"cannot read as UTF-8: {exc.reason}"))
            continue
        except OSError as exc:
            errors.append(ParseError(shown, 1, 1, f"cannot read: {exc.strerror}"))
            continue
        found, error = check_source(source, shown, cfg)
        findings.extend(found)
        if error:
            errors.append(error)
    return Report(findings, errors, len(files))
