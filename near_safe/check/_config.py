"""Configuration: ``[tool.near-safe]`` in the nearest pyproject.toml (or ``--config FILE``).

Keys (all optional)::

    [tool.near-safe]
    disable = ["NS105"]          # rule ids switched off
    enable = ["NS101", "NS102"]  # if given: only these rules run
    severity = "warning"         # report findings at or above: "error", "warning", "note"
    min-callback-gas = 20        # Tgas a callback must get (NS106)

Sub-tables (``[tool.near-safe.<tool>]``) belong to other near-safe commands and are ignored
here.  Any other key, a wrong type or an unknown rule id is a :class:`UsageError` naming the
key, the file and the fix (exit code 2).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import UsageError
from ._rules import RULES, SEVERITIES

SECTION = "tool.near-safe"


@dataclass(frozen=True)
class Config:
    disable: frozenset = frozenset()
    enable: frozenset | None = None
    severity: str = "note"
    min_callback_gas: int | None = None   # gas units; None: the built-in default
    source: str | None = None             # the file it came from (for messages)

    def rule_on(self, rule_id: str) -> bool:
        if rule_id in self.disable:
            return False
        return self.enable is None or rule_id in self.enable

    def merged(self, **overrides) -> "Config":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _rule_ids(value, key, where):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: '{key}' must be a list of rule ids, e.g. "
                         f"{key} = [\"NS105\"]")
    unknown = [v for v in value if v.upper() not in RULES]
    if unknown:
        raise UsageError(f"{where}: '{key}' names unknown rule id(s) {', '.join(unknown)}; "
                         f"known ids are {', '.join(sorted(RULES))}")
    return frozenset(v.upper() for v in value)


def parse_table(table: dict, where: str) -> Config:
    """Validate a ``[tool.near-safe]`` table; ``where`` names the file in messages."""
    kwargs = {"source": where}
    for key, value in table.items():
        if isinstance(value, dict):
            continue  # [tool.near-safe.<other command>]
        if key == "disable":
            kwargs["disable"] = _rule_ids(value, key, where)
        elif key == "enable":
            kwargs["enable"] = _rule_ids(value, key, where)
        elif key == "severity":
            if value not in SEVERITIES:
                raise UsageError(f"{where}: 'severity' is {value!r}; use one of "
                                 f"{', '.join(repr(s) for s in SEVERITIES)}")
            kwargs["severity"] = value
        elif key == "min-callback-gas":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise UsageError(f"{where}: 'min-callback-gas' is {value!r}; give a positive "
                                 f"number of Tgas, e.g. min-callback-gas = 20")
            kwargs["min_callback_gas"] = int(value * 10**12)
        else:
            raise UsageError(f"{where}: unknown key {key!r} in [{SECTION}]; known keys are "
                             f"disable, enable, severity, min-callback-gas (remove it or fix "
                             f"its spelling)")
    return Config(**kwargs)


def load_file(path: Path) -> Config:
    """Read a pyproject.toml-style file; a file without the section gives the defaults."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"config file {path} does not exist; pass an existing "
                         f"pyproject.toml to --config") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML ({exc}); fix the file or pass another "
                         f"with --config") from None
    table = data.get("tool", {}).get("near-safe", {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [{SECTION}] must be a table")
    return parse_table(table, str(path))


@dataclass
class ConfigFinder:
    """Finds the nearest pyproject.toml above each checked file (cached per directory)."""
    fixed: Config | None = None
    _cache: dict = field(default_factory=dict)

    def for_file(self, path: Path) -> Config:
        if self.fixed is not None:
            return self.fixed
        directory = path.resolve().parent
        if directory in self._cache:
            return self._cache[directory]
        chain = []
        found = Config()
        d = directory
        while True:
            if d in self._cache:
                found = self._cache[d]
                break
            chain.append(d)
            candidate = d / "pyproject.toml"
            if candidate.is_file():
                found = load_file(candidate)
                break
            if d.parent == d:
                break
            d = d.parent
        for c in chain:
            self._cache[c] = found
        return found
