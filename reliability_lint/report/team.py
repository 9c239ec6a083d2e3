"""`reliability-lint report`: the page a team lead plans from, as Markdown or as one
self-contained HTML page (inline CSS and SVG, nothing fetched)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from reliability_lint.git import BlameLine
from reliability_lint.findings import Finding
from reliability_lint.registry import REGISTRY, SEVERITIES
from reliability_lint.report.markup import escape, inline_markdown
from reliability_lint.report.team_actions import Action, Scope, Trend
from reliability_lint.report.team_sections import html_first, markdown_first, md_rule, rule_cell

TOP_FILES = 10
# Upper bounds in days of the age buckets of untracked TODOs.
AGE_BUCKETS = ((30, "under 30 days"), (90, "30 to 89 days"), (365, "90 to 364 days"), (None, "a year or more"))
UNCOMMITTED, UNKNOWN = "not committed yet", "unknown (no git history)"
_COLORS = {"P0": "#b91c1c", "P1": "#ea580c", "P2": "#ca8a04", "P3": "#2563eb"}


@dataclass
class RuleRow:
    code: str
    name: str
    family: str
    severity: str
    count: int = 0
    safe: int = 0
    unsafe: int = 0


@dataclass
class TeamReport:
    files_checked: int
    total: int = 0
    by_family: dict[str, Counter[str]] = field(default_factory=dict)  # family -> severity -> count
    by_rule: list[RuleRow] = field(default_factory=list)
    top_files: list[tuple[str, Counter[str]]] = field(default_factory=list)
    fixable: dict[str, int] = field(default_factory=dict)  # safe / unsafe / none
    todo_ages: dict[str, int] = field(default_factory=dict)
    generated: str = ""
    # What the page opens with (report.team_sections.enrich fills them).
    scope: Scope | None = None
    actions: list[Action] = field(default_factory=list)
    actions_more: int = 0
    trend: Trend | None = None
    docs_url: str | None = None

    def severity_totals(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for counts in self.by_family.values():
            totals.update(counts)
        return totals


def _meta(code: str) -> tuple[str, str, str]:
    rule = REGISTRY.rules.get(code)
    return (rule.name, rule.family, rule.severity) if rule else ("unknown", "unknown", "P0")


def build(
    findings: list[Finding], files_checked: int, todo_lines: list[BlameLine | None], now: datetime | None = None
) -> TeamReport:
    """The report of a run's findings; `todo_lines` is git blame of each untracked TODO's
    line (None where unknown), gathered by the caller."""
    now = now or datetime.now(timezone.utc)
    report = TeamReport(files_checked, total=len(findings), generated=now.strftime("%Y-%m-%d %H:%M UTC"))
    by_family: dict[str, Counter[str]] = defaultdict(Counter)
    rules: dict[str, RuleRow] = {}
    per_file: dict[str, Counter[str]] = defaultdict(Counter)
    fixable: Counter[str] = Counter({"safe": 0, "unsafe": 0, "none": 0})
    for finding in findings:
        name, family, severity = _meta(finding.code)
        by_family[family][severity] += 1
        row = rules.setdefault(finding.code, RuleRow(finding.code, name, family, severity))
        row.count += 1
        applicability = finding.fix.applicability if finding.fix is not None else "none"
        fixable[applicability] += 1
        if applicability == "safe":
            row.safe += 1
        elif applicability == "unsafe":
            row.unsafe += 1
        per_file[finding.path][severity] += 1
    report.by_family = dict(sorted(by_family.items()))
    report.by_rule = sorted(rules.values(), key=lambda r: (SEVERITIES.index(r.severity), -r.count, r.code))
    ranked = sorted(
        per_file.items(),
        key=lambda item: (-sum(item[1].values()), *(-item[1][s] for s in SEVERITIES), item[0]),
    )
    report.top_files = ranked[:TOP_FILES]
    report.fixable = dict(fixable)
    report.todo_ages = _todo_ages(todo_lines, now)
    return report


def _todo_ages(lines: list[BlameLine | None], now: datetime) -> dict[str, int]:
    ages = Counter({label: 0 for _, label in AGE_BUCKETS})
    for line in lines:
        if line is None:
            ages[UNKNOWN] += 1
        elif line.time is None:
            ages[UNCOMMITTED] += 1
        else:
            days = (now - line.time).days
            ages[next(label for limit, label in AGE_BUCKETS if limit is None or days < limit)] += 1
    return {label: count for label, count in ages.items() if count or label not in (UNKNOWN, UNCOMMITTED)}


def render(fmt: str, report: TeamReport) -> str:
    return render_html(report) if fmt == "html" else render_markdown(report)


# ---------------------------------------------------------------------------- Markdown


def _headline(report: TeamReport) -> str:
    fixable = report.fixable
    return (
        f"{report.total} findings in {report.files_checked} files checked: "
        f"{fixable.get('safe', 0)} fixable safely (`reliability-lint fix`), "
        f"{fixable.get('unsafe', 0)} fixable unsafely (`--unsafe-fixes`, review the diff), "
        f"{fixable.get('none', 0)} need a person."
    )


def _md(text: object) -> str:
    return str(text).replace("|", "\\|")


def render_markdown(report: TeamReport) -> str:
    totals = report.severity_totals()
    out = ["# Reliability report", "", _headline(report), ""]
    out += markdown_first(report)
    out += [f"Generated {report.generated}.", ""]
    out += ["## Findings by family and severity", ""]
    out += ["| family | " + " | ".join(SEVERITIES) + " | total |", "|---|" + "---:|" * (len(SEVERITIES) + 1)]
    for family, counts in report.by_family.items():
        cells = [str(counts[s]) for s in SEVERITIES]
        out.append(f"| {_md(family)} | " + " | ".join(cells) + f" | {sum(counts.values())} |")
    out.append("| **total** | " + " | ".join(f"**{totals[s]}**" for s in SEVERITIES) + f" | **{report.total}** |")
    out += ["", "## Findings by rule", "", "| rule | name | family | severity | findings | safe fix | unsafe fix |"]
    out.append("|---|---|---|---|---:|---:|---:|")
    for row in report.by_rule:
        out.append(
            f"| {md_rule(row.code, report.docs_url)} | {row.name} | {_md(row.family)} | {row.severity} | {row.count} | {row.safe} | {row.unsafe} |"
        )
    out += ["", "## Most affected files", "", "| file | findings | " + " | ".join(SEVERITIES) + " |"]
    out.append("|---|---:|" + "---:|" * len(SEVERITIES))
    for path, counts in report.top_files:
        out.append(f"| `{_md(path)}` | {sum(counts.values())} | " + " | ".join(str(counts[s]) for s in SEVERITIES) + " |")
    out += ["", "## Fixable", "", "| fix | findings |", "|---|---:|"]
    for key, label in (("safe", "safe"), ("unsafe", "unsafe"), ("none", "none")):
        out.append(f"| {label} | {report.fixable.get(key, 0)} |")
    out += ["", "## Untracked TODOs by age", "", "| age (git blame) | TODOs |", "|---|---:|"]
    out += [f"| {label} | {count} |" for label, count in report.todo_ages.items()]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- HTML

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1f2937; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border-bottom: 1px solid #e5e7eb; padding: .3rem .7rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; }
code { font: 13px ui-monospace, monospace; }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; }
svg text { font: 13px system-ui, sans-serif; fill: #1f2937; }
svg { max-width: 100%; height: auto; }
table { max-width: 100%; }
td { overflow-wrap: anywhere; vertical-align: top; }
a { color: #1d4ed8; }
p.scope code { font-weight: 600; }
"""


def _e(text: object) -> str:
    return escape(text)


def _bar_chart(rows: list[tuple[str, list[tuple[str, int, str]]]], title: str) -> str:
    """Horizontal stacked bars: rows of (label, [(segment name, count, colour)]) as inline SVG."""
    label_width, bar_width, height, gap = 170, 520, 22, 8
    largest = max((sum(c for _, c, _ in segments) for _, segments in rows), default=0) or 1
    total_height = len(rows) * (height + gap) + gap
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" width="{label_width + bar_width + 60}" '
        f'height="{total_height}" viewBox="0 0 {label_width + bar_width + 60} {total_height}">',
        f"<title>{_e(title)}</title>",
    ]
    for index, (label, segments) in enumerate(rows):
        y = gap + index * (height + gap)
        parts.append(f'<text x="0" y="{y + 16}">{_e(label)}</text>')
        x = float(label_width)
        for name, count, colour in segments:
            if not count:
                continue
            width = bar_width * count / largest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{height}" fill="{colour}">'
                f"<title>{_e(label)}: {count} {_e(name)}</title></rect>"
            )
            x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{sum(c for _, c, _ in segments)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _table(header: list[str], rows: list[list[object]], numeric_from: int, total: list[object] | None = None) -> str:
    def cells(values: Sequence[object], tag: str) -> str:
        return "".join(
            f'<{tag}{" class=n" if i >= numeric_from else ""}>{_e(v)}</{tag}>' for i, v in enumerate(values)
        )

    body = [f"<tr>{cells(row, 'td')}</tr>" for row in rows]
    if total is not None:
        body.append(f'<tr class="total">{cells(total, "td")}</tr>')
    return f"<table><thead><tr>{cells(header, 'th')}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(report: TeamReport) -> str:
    totals = report.severity_totals()
    legend = "".join(f'<span><i style="background:{_COLORS[s]}"></i>{s}</span>' for s in SEVERITIES)
    family_chart = _bar_chart(
        [(family, [(s, counts[s], _COLORS[s]) for s in SEVERITIES]) for family, counts in report.by_family.items()],
        "Findings by rule family and severity",
    )
    age_chart = _bar_chart(
        [(label, [("untracked TODOs", count, _COLORS["P3"])]) for label, count in report.todo_ages.items()],
        "Untracked TODOs by age",
    )
    sections = [
        "<h1>Reliability report</h1>",
        f"<p>{inline_markdown(_headline(report))}</p>",
        *html_first(report),
        f"<p>Generated {_e(report.generated)}.</p>",
        "<h2>Findings by family and severity</h2>",
        f'<p class="legend">{legend}</p>',
        family_chart,
        _table(
            ["family", *SEVERITIES, "total"],
            [[f, *(c[s] for s in SEVERITIES), sum(c.values())] for f, c in report.by_family.items()],
            1,
            ["total", *(totals[s] for s in SEVERITIES), report.total],
        ),
        "<h2>Findings by rule</h2>",
        _table(
            ["rule", "name", "family", "severity", "findings", "safe fix", "unsafe fix"],
            [[rule_cell(r.code, report.docs_url), r.name, r.family, r.severity, r.count, r.safe, r.unsafe] for r in report.by_rule],
            4,
        ),
        "<h2>Most affected files</h2>",
        _table(
            ["file", "findings", *SEVERITIES],
            [[path, sum(c.values()), *(c[s] for s in SEVERITIES)] for path, c in report.top_files],
            1,
        ),
        "<h2>Fixable</h2>",
        _table(["fix", "findings"], [[k, report.fixable.get(k, 0)] for k in ("safe", "unsafe", "none")], 1),
        "<h2>Untracked TODOs by age</h2>",
        age_chart,
        _table(["age (git blame)", "TODOs"], [[k, v] for k, v in report.todo_ages.items()], 1),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>Reliability report</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )
