"""Output formats of ``near-safe check``: human text, JSON and SARIF 2.1.0."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ._engine import Report
from ._rules import PARSE_ERROR_ID, RULES

DOCS_URI = "https://github.com/near-safe/near-safe/blob/main/docs/checker.md"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def human(report: Report) -> str:
    lines = []
    for e in report.errors:
        lines.append(f"{e.path}:{e.line}:{e.column}: {PARSE_ERROR_ID} error {e.message} "
                     f"(the file was not checked; fix the syntax error)")
    for f in report.findings:
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.rule} {f.severity} [{f.name}] "
                     f"{f.message}")
        lines.append(f"    why: {f.why}")
        lines.append(f"    fix: {f.fix}")
    counts = {s: sum(1 for f in report.findings if f.severity == s)
              for s in ("error", "warning", "note")}
    detail = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    summary = (f"{len(report.findings)} finding{'s' if len(report.findings) != 1 else ''}"
               + (f" ({detail})" if detail else "")
               + f" in {report.files} file{'s' if report.files != 1 else ''}")
    if report.errors:
        summary += f"; {len(report.errors)} file(s) could not be parsed"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    doc = {
        "tool": "near-safe check",
        "version": __version__,
        "files": report.files,
        "findings": [f.as_dict() for f in report.findings],
        "errors": [e.as_dict() for e in report.errors],
        "exit_code": report.exit_code,
    }
    return json.dumps(doc, indent=2) + "\n"


def _uri(path: str) -> str:
    """A relative path stays a relative URI reference; an absolute one becomes file://."""
    p = Path(path)
    return p.as_uri() if p.is_absolute() else p.as_posix()


def _location(path, line, column):
    return {"physicalLocation": {
        "artifactLocation": {"uri": _uri(path)},
        "region": {"startLine": line, "startColumn": column},
    }}


def as_sarif(report: Report) -> str:
    rule_ids = sorted(RULES)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = []
    for rid in rule_ids:
        r = RULES[rid]
        rules.append({
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.why},
            "help": {"text": f"Why: {r.why}\nFix: {r.fix}",
                     "markdown": f"**Why:** {r.why}\n\n**Fix:** {r.fix}"},
            "helpUri": f"{DOCS_URI}#{r.help_anchor}",
            "defaultConfiguration": {"level": r.severity},
        })
    results = []
    for f in report.findings:
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": f.severity,
            "message": {"text": f"{f.message}. Fix: {f.fix}"},
            "locations": [_location(f.path, f.line, f.column)],
        })
    notifications = [{
        "level": "error",
        "message": {"text": f"{e.path}:{e.line}: {e.message}"},
        "locations": [_location(e.path, e.line, e.column)],
        "descriptor": {"id": PARSE_ERROR_ID},
    } for e in report.errors]
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "near-safe",
                "version": __version__,
                "informationUri": DOCS_URI,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2) + "\n"


FORMATS = {"human": human, "json": as_json, "sarif": as_sarif}
