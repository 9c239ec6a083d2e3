"""Output formats: one module per format, each with render(report) -> str, imported on use."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reliability_lint.findings import Finding

FORMATS = {
    "text": "reliability_lint.report.text",
    "concise": "reliability_lint.report.text",
    "json": "reliability_lint.report.json_format",
    "sarif": "reliability_lint.report.sarif",
    "github": "reliability_lint.report.github",
    "gitlab": "reliability_lint.report.gitlab",
    "junit": "reliability_lint.report.junit",
}
# Formats that carry each fix's edits, so the engine must compute them.
FORMATS_WITH_EDITS = {"json", "sarif"}


@dataclass
class Report:
    findings: list[Finding]
    root: Path
    fixed: int = 0
    unsafe_fixes: bool = False
    statistics: bool = False
    skipped: dict[str, int] = field(default_factory=dict)
    color: bool = False
    show_fixes: bool = False  # each fix's diff under its finding (text format)
    quiet: bool = False  # the findings only, no summary (text formats)
    # The rules the run selected (SARIF lists them all); None: every registered rule.
    selected: frozenset[str] | None = None
    docs_url: str | None = None  # base URL of the rule pages; None: the default (report.links)


def json_array(items: list[Any]) -> str:
    """A JSON array, one element per line: `json.dumps(indent=...)` runs Python's own encoder,
    many times slower than the C one on a large report, which writes each element compact."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    return "[\n" + ",\n".join(f"  {encode(item)}" for item in items) + "\n]\n" if items else "[]\n"


def render(name: str, report: Report) -> str:
    if report.statistics and name != "json":
        # Counts per rule are a table (or JSON, as ruff does); no SARIF or JUnit consumer
        # expects one, so the other formats give the table too rather than ignore the flag.
        name = "text"
    module = importlib.import_module(FORMATS[name])
    renderer = getattr(module, f"render_{name}", None) or module.render
    return renderer(report)
