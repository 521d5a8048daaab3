"""Findings: what validation and compute report, and the reporters that show them.

A finding is a value, never an exception: every stage returns all of them so a clerk can
fix a pull request in one pass. Messages never quote a record's value, because values may
be private; they name the file, line, field and rule instead.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    rule: str
    message: str
    severity: str = "error"  # "error" or "warning"
    hint: str = ""

    def text(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}"
        tail = f" (提示: {self.hint})" if self.hint else ""
        return f"{where}: {self.rule}: {self.message}{tail}"


def error(path: str, line: int, col: int, rule: str, message: str, hint: str = "") -> Finding:
    return Finding(path, line, col, rule, message, "error", hint)


def warning(path: str, line: int, col: int, rule: str, message: str, hint: str = "") -> Finding:
    return Finding(path, line, col, rule, message, "warning", hint)


def error_at(doc, path: tuple, rule: str, message: str, hint: str = "") -> Finding:
    """An error on the line of the value at `path` in a loaded document."""
    return error(doc.path, *doc.where(path), rule, message, hint)


def warning_at(doc, path: tuple, rule: str, message: str, hint: str = "") -> Finding:
    return warning(doc.path, *doc.where(path), rule, message, hint)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings; each by file, line and column."""
    return sorted(
        set(findings),
        key=lambda f: (f.severity != "error", f.path, f.line, f.col, f.rule, f.message),
    )


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def report(findings: list[Finding], fmt: str) -> str:
    """Render findings as `text`, `json` or `github` workflow annotations."""
    findings = sort_findings(findings)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    if fmt == "json":
        return json.dumps(
            {"errors": [asdict(f) for f in errors], "warnings": [asdict(f) for f in warnings]},
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "github":
        lines = []
        for f in findings:
            kind = "error" if f.severity == "error" else "warning"
            msg = _escape_github(
                f"{f.rule}: {f.message}" + (f" (提示: {f.hint})" if f.hint else "")
            )
            lines.append(f"::{kind} file={f.path},line={f.line},col={f.col},title={f.rule}::{msg}")
        return "\n".join(lines)
    lines = []
    if errors:
        lines.append(f"错误 errors ({len(errors)}):")
        lines += ["  " + f.text() for f in errors]
    if warnings:
        lines.append(f"警告 warnings ({len(warnings)}):")
        lines += ["  " + f.text() for f in warnings]
    lines.append(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    return "\n".join(lines)
