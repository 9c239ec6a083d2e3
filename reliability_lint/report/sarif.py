"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reliability_lint import __version__
from reliability_lint.baseline import fingerprints
from reliability_lint.findings import ERROR_CODE, Edit, Finding
from reliability_lint.pages import page_for
from reliability_lint.registry import REGISTRY, Rule
from reliability_lint.report import Report
from reliability_lint.report.links import security_severity, rule_url

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"P0": "error", "P1": "error", "P2": "warning", "P3": "note"}
FINGERPRINT_KEY = "reliabilityLint/v1"
ROOT = "%SRCROOT%"


def _rule(rule: Rule, docs_url: str | None) -> dict[str, Any]:
    page = page_for(rule)
    properties: dict[str, Any] = {"severity": rule.severity, "fix": rule.fix or "none"}
    properties["tags"] = [rule.family, *sorted(tag for tag in rule.tags if tag != rule.family)]
    score = security_severity(rule)
    if score is not None:
        properties["security-severity"] = score
    described: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }
    url = rule_url(rule, docs_url)
    if url is not None:
        described["helpUri"] = url
    if page is not None:
        described["help"] = {"text": page, "markdown": page}
    return described


def _artifact(path: str, root: Path) -> dict[str, Any]:
    absolute = Path(path).absolute()
    try:
        return {"uri": quote(absolute.relative_to(root).as_posix()), "uriBaseId": ROOT}
    except ValueError:
        return {"uri": absolute.as_uri()}


def _region(start: tuple[int, int], end: tuple[int, int]) -> dict[str, int]:
    # Columns are 1-based code points (run.columnKind says so).
    return {"startLine": start[0], "startColumn": start[1] + 1, "endLine": end[0], "endColumn": end[1] + 1}


def _replacement(edit: Edit) -> dict[str, Any]:
    return {"deletedRegion": _region(edit.start, edit.end), "insertedContent": {"text": edit.content}}


def _result(finding: Finding, index: dict[str, int], fingerprint: str, artifact: dict[str, Any]) -> dict[str, Any]:
    rule = REGISTRY.rules.get(finding.code)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVELS[rule.severity] if rule else "error",
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": _region((finding.line, finding.col), (finding.end_line, finding.end_col)),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    fix = finding.fix
    if fix is not None and fix.edits:
        result["fixes"] = [
            {
                "description": {"text": f"{fix.message} ({fix.applicability} fix)"},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact,
                        "replacements": [_replacement(edit) for edit in fix.edits],
                    }
                ],
            }
        ]
    return result


def _internal_error(finding: Finding) -> bool:
    return finding.code == ERROR_CODE and "internal error" in finding.message


def render(report: Report) -> str:
    root = report.root.absolute()
    # The rules the run selected, with or without findings (code scanning closes the alerts
    # of a rule only when it is listed), and any other rule a finding names (REL000).
    listed = set(REGISTRY.rules) if report.selected is None else set(report.selected)
    listed |= {f.code for f in report.findings if f.code in REGISTRY.rules}
    rules = sorted((REGISTRY.rules[code] for code in listed), key=lambda rule: rule.code)
    index = {rule.code: number for number, rule in enumerate(rules)}
    prints = fingerprints(report.findings, root)
    artifacts: dict[str, dict[str, Any]] = {}  # a file's findings share its location (and json writes it each time)
    for finding in report.findings:
        if finding.path not in artifacts:
            artifacts[finding.path] = _artifact(finding.path, root)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "reliability-lint",
                        "version": __version__,
                        "rules": [_rule(rule, report.docs_url) for rule in rules],
                    }
                },
                "invocations": [{"executionSuccessful": not any(_internal_error(f) for f in report.findings)}],
                "originalUriBaseIds": {ROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [
                    _result(finding, index, fingerprint, artifacts[finding.path])
                    for finding, fingerprint in zip(report.findings, prints)
                ],
            }
        ],
    }
    # Compact: SARIF is read by code scanning, not by people, and only json's C encoder
    # (no indent) keeps a large log at the cost of the other formats.
    return json.dumps(log, ensure_ascii=False) + "\n"
