"""JSON in ruff's shape (`ruff check --output-format json`), so its consumers can read it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from reliability_lint.findings import Edit, Finding
from reliability_lint.registry import REGISTRY
from reliability_lint.report import Report, json_array
from reliability_lint.report.links import rule_url


def _location(position: tuple[int, int]) -> dict[str, int]:
    return {"row": position[0], "column": position[1] + 1}


def _edit(edit: Edit) -> dict[str, Any]:
    return {"content": edit.content, "location": _location(edit.start), "end_location": _location(edit.end)}


def finding_to_dict(finding: Finding, docs_url: str | None = None) -> dict[str, Any]:
    fix = finding.fix
    rule = REGISTRY.rules.get(finding.code)
    return {
        "cell": finding.cell or None,  # notebooks: the cell (location is in the .ipynb text)
        "code": finding.code,
        "message": finding.message,
        "filename": str(Path(finding.path).absolute()),
        "location": _location((finding.line, finding.col)),
        "end_location": _location((finding.end_line, finding.end_col)),
        "fix": None
        if fix is None
        else {
            "applicability": fix.applicability,
            "message": fix.message,
            "edits": [_edit(edit) for edit in fix.edits],
        },
        "url": rule_url(rule, docs_url) if rule else None,
        "noqa_row": finding.noqa_row,
        "severity": REGISTRY.rules[finding.code].severity if finding.code in REGISTRY.rules else "P0",
    }


def render(report: Report) -> str:
    if report.statistics:
        counts = Counter(f.code for f in report.findings)
        rows = [
            {
                "code": code,
                "name": REGISTRY.rules[code].name if code in REGISTRY.rules else "file-error",
                "count": count,
                "fixable": any(f.fix is not None for f in report.findings if f.code == code),
            }
            for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        return json.dumps(rows, indent=2) + "\n"
    return json_array([finding_to_dict(f, report.docs_url) for f in report.findings])
