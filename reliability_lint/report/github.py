"""GitHub Actions workflow commands: each finding annotates the pull request's diff.

https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
"""

from __future__ import annotations

from pathlib import Path

from reliability_lint.findings import Finding
from reliability_lint.registry import REGISTRY
from reliability_lint.report import Report

COMMANDS = {"P0": "error", "P1": "error", "P2": "warning", "P3": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    rule = REGISTRY.rules.get(finding.code)
    command = COMMANDS[rule.severity] if rule else "error"
    path = Path(finding.path).as_posix()
    properties = {
        "title": f"reliability-lint ({finding.code})",
        "file": path,
        "line": finding.line,
        "col": finding.col + 1,
        "endLine": finding.end_line,
        "endColumn": finding.end_col + 1,
    }
    joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    text = f"{path}:{finding.line}:{finding.col + 1}: {finding.code} {finding.message}"
    return f"::{command} {joined}::{escape_data(text)}"


def render(report: Report) -> str:
    return "".join(annotation(finding) + "\n" for finding in report.findings)
