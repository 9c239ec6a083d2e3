"""GitLab Code Quality JSON (a subset of the Code Climate issue format).

https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
Paths are relative to $CI_PROJECT_DIR when GitLab sets it, else to the current folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from reliability_lint.baseline import fingerprints, relative_to
from reliability_lint.findings import Finding
from reliability_lint.registry import REGISTRY
from reliability_lint.report import Report, json_array

SEVERITIES = {"P0": "critical", "P1": "major", "P2": "minor", "P3": "info"}


def _issue(finding: Finding, fingerprint: str, root: Path) -> dict[str, Any]:
    rule = REGISTRY.rules.get(finding.code)
    return {
        "type": "issue",
        "check_name": finding.code,
        "description": f"{finding.code} {finding.message}",
        "categories": ["Security" if rule and "security" in rule.tags else "Bug Risk"],
        "severity": SEVERITIES[rule.severity] if rule else "major",
        "fingerprint": fingerprint,
        "location": {
            "path": relative_to(finding, root),
            "lines": {"begin": finding.line, "end": finding.end_line},
        },
    }


def render(report: Report) -> str:
    root = Path(os.environ.get("CI_PROJECT_DIR") or ".").absolute()
    prints = fingerprints(report.findings, root)
    issues = [_issue(finding, fingerprint, root) for finding, fingerprint in zip(report.findings, prints)]
    return json_array(issues)
