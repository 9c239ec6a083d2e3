"""The opening sections of the team page, in Markdown and HTML: what it covers, what to do
first and the trend against a baseline (data from report.team_actions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reliability_lint.registry import REGISTRY
from reliability_lint.report.links import rule_url
from reliability_lint.report.markup import Markup, escape, inline_markdown, link
from reliability_lint.report.team_actions import FIRST_LIMIT, Scope, Trend

if TYPE_CHECKING:
    from reliability_lint.report.team import TeamReport


def url_of(code: str, docs_url: str | None) -> str | None:
    rule = REGISTRY.rules.get(code)
    return rule_url(rule, docs_url) if rule else None


def scope_text(scope: Scope | None) -> str:
    """`project` on branch `main` at commit `abc`, in Markdown."""
    if scope is None:
        return ""
    if scope.commit is None:
        return f"Project `{scope.project}` (not a git repository)."
    dirty = ", with uncommitted changes" if scope.dirty else ""
    return f"Project `{scope.project}` on branch `{scope.branch}` at commit `{scope.commit}`{dirty}."


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_rule(code: str, docs_url: str | None) -> str:
    url = url_of(code, docs_url)
    return f"[{code}]({url})" if url else code


def markdown_first(report: TeamReport) -> list[str]:
    out = []
    if report.scope is not None:
        out += [scope_text(report.scope), ""]
    out += ["## What to do first", ""]
    if not report.actions:
        out += ["No P0 findings.", ""]
    else:
        out += [
            "The P0 findings: each can break a run or leak a credential. Owner: who last changed the line (git blame).",
            "",
            "| where | rule | finding | fix | owner |",
            "|---|---|---|---|---|",
        ]
        for action in report.actions:
            fix = _md_code(action.command) if action.command else "by hand (see the rule)"
            out.append(
                f"| {_md_code(f'{action.path}:{action.line}')} | {md_rule(action.code, report.docs_url)} {action.name} "
                f"| {_md_cell(action.message)} | {_md_cell(fix)} | {_md_cell(action.owner)} |"
            )
        if report.actions_more:
            out.append(f"\n{report.actions_more} more P0 findings (the first {FIRST_LIMIT} are listed).")
        out.append("")
    if report.trend is not None:
        out += markdown_trend(report.trend, report.docs_url)
    return out


def markdown_trend(trend: Trend, docs_url: str | None) -> list[str]:
    out = ["## Against the baseline", "", f"Baseline `{trend.baseline}`: {_trend_sentence(trend)}", ""]
    out += ["| rule | new | fixed | remaining |", "|---|---:|---:|---:|"]
    out += [f"| {md_rule(code, docs_url)} | {n} | {f} | {r} |" for code, n, f, r in trend.by_rule]
    return out + [""]


def _trend_sentence(trend: Trend) -> str:
    return f"{trend.new} new, {trend.fixed} fixed, {trend.remaining} remaining."


def _html_table(header: Sequence[object], rows: Sequence[Sequence[object]], numeric_from: int | None = None) -> str:
    def cells(values: Sequence[object], tag: str) -> str:
        return "".join(
            f'<{tag}{" class=n" if numeric_from is not None and i >= numeric_from else ""}>{escape(v)}</{tag}>'
            for i, v in enumerate(values)
        )

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return f"<table><thead><tr>{cells(header, 'th')}</tr></thead><tbody>{body}</tbody></table>"


def rule_cell(code: str, docs_url: str | None) -> Markup:
    return link(code, url_of(code, docs_url))


def html_first(report: TeamReport) -> list[str]:
    out = []
    if report.scope is not None:
        out.append(f'<p class="scope">{inline_markdown(scope_text(report.scope))}</p>')
    out.append("<h2>What to do first</h2>")
    if not report.actions:
        out.append("<p>No P0 findings.</p>")
    else:
        out.append(
            "<p>The P0 findings: each can break a run or leak a credential. "
            "Owner: who last changed the line (git blame).</p>"
        )
        rows: list[list[object]] = [
            [
                Markup(f"<code>{escape(f'{a.path}:{a.line}')}</code>"),
                Markup(f"{rule_cell(a.code, report.docs_url)} {escape(a.name)}"),
                inline_markdown(a.message),
                Markup(f"<code>{escape(a.command)}</code>") if a.command else "by hand (see the rule)",
                a.owner,
            ]
            for a in report.actions
        ]
        out.append(_html_table(["where", "rule", "finding", "fix", "owner"], rows))
        if report.actions_more:
            out.append(f"<p>{report.actions_more} more P0 findings (the first {FIRST_LIMIT} are listed).</p>")
    if report.trend is not None:
        trend = report.trend
        out.append("<h2>Against the baseline</h2>")
        out.append(f"<p>Baseline <code>{escape(trend.baseline)}</code>: {escape(_trend_sentence(trend))}</p>")
        rows = [[rule_cell(code, report.docs_url), n, f, r] for code, n, f, r in trend.by_rule]
        out.append(_html_table(["rule", "new", "fixed", "remaining"], rows, 1))
    return out
