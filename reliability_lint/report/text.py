"""Human output: `path:line:col: CODE [*] message`, the source line with carets, a summary."""

from __future__ import annotations

from collections import Counter

import click

from reliability_lint.findings import Finding
from reliability_lint.report import Report
from reliability_lint.registry import REGISTRY


def _fixable(finding: Finding, report: Report) -> bool:
    fix = finding.fix
    return fix is not None and (fix.applicability == "safe" or report.unsafe_fixes)


def _header(finding: Finding, report: Report) -> str:
    style = (lambda text, **kw: click.style(text, **kw)) if report.color else (lambda text, **kw: text)
    location = f"{style(finding.path, bold=True)}:{finding.location}:"
    marker = " [*]" if _fixable(finding, report) else ""
    return f"{location} {style(finding.code, fg='red', bold=True)}{marker} {finding.message}"


def _snippet(finding: Finding) -> list[str]:
    line = finding.source_line
    if not line:
        return []
    col, end_col = (finding.cell_col, finding.cell_end_col) if finding.cell else (finding.col, finding.end_col)
    start = len(line[:col].expandtabs(4))
    end_col = end_col if finding.end_line == finding.line else len(line)
    width = max(1, len(line[:end_col].expandtabs(4)) - start)
    gutter = f"{finding.cell_line or finding.line} | "
    return [gutter + line.expandtabs(4), " " * (len(gutter) - 2) + "| " + " " * start + "^" * width]


def summary(report: Report) -> list[str]:
    findings = report.findings
    lines = []
    if report.statistics:
        lines.extend(statistics(report))
    if report.fixed:
        lines.append(f"Fixed {report.fixed} problem{'s' if report.fixed != 1 else ''}.")
    if findings:
        fixable = sum(_fixable(f, report) for f in findings)
        hidden = sum(f.fix is not None and not _fixable(f, report) for f in findings)
        noun = "problem" if len(findings) == 1 else "problems"
        lines.append(f"Found {len(findings)} {noun} ({fixable} fixable).")
        if fixable:
            lines.append("[*] fixable with `reliability-lint fix`.")
        if hidden:
            lines.append(f"{hidden} more fixable with `--unsafe-fixes`.")
    elif not report.fixed:
        lines.append("All checks passed!")
    for reason, count in sorted(report.skipped.items()):
        lines.append(f"Skipped {count} {reason} file{'s' if count != 1 else ''}.")
    return lines


def statistics(report: Report) -> list[str]:
    counts = Counter(f.code for f in report.findings)
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        meta = REGISTRY.rules.get(code)
        fixable = any(_fixable(f, report) for f in report.findings if f.code == code)
        rows.append(f"{count:>5}  {code}  {'[*]' if fixable else '   '} {meta.name if meta else 'file-error'}")
    return rows


def render_text(report: Report) -> str:
    out: list[str] = []
    for finding in [] if report.statistics else report.findings:
        out.append(_header(finding, report))
        out.extend(_snippet(finding))
        out.append("")
    out.extend(summary(report))
    return "\n".join(out) + "\n"


def render_concise(report: Report) -> str:
    out = [] if report.statistics else [_header(finding, report) for finding in report.findings]
    out.extend(summary(report))
    return "\n".join(out) + "\n"
