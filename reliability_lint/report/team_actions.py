"""What the team page opens with: the project, branch and commit it covers, the P0
findings to act on first (where, which rule, the fix command, who last touched the line),
and the trend against a baseline (new, fixed, remaining)."""

from __future__ import annotations

import shlex
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reliability_lint.baseline import Baseline
from reliability_lint.git import BlameLine
from reliability_lint.findings import ERROR_CODE, Finding
from reliability_lint.registry import REGISTRY

FIRST_LIMIT = 25  # the P0 rows listed; the rest are counted
UNCOMMITTED, UNKNOWN = "not committed yet", "unknown (no git history)"


@dataclass
class Scope:
    project: str
    branch: str | None = None  # None: not a git repository; "(detached)" at a bare commit
    commit: str | None = None
    dirty: bool = False  # tracked files differ from the commit


@dataclass
class Action:
    path: str
    line: int
    code: str
    name: str
    message: str
    command: str  # "" when a person must fix it (the rule's page says how)
    owner: str


@dataclass
class Trend:
    baseline: str
    new: int = 0
    fixed: int = 0
    remaining: int = 0
    by_rule: list[tuple[str, int, int, int]] = field(default_factory=list)  # code, new, fixed, remaining


def severity(code: str) -> str:
    rule = REGISTRY.rules.get(code)
    return rule.severity if rule else "P0"


def fix_command(finding: Finding) -> str:
    fix = finding.fix
    if fix is None:
        return ""
    unsafe = " --unsafe-fixes" if fix.applicability == "unsafe" else ""
    return f"reliability-lint fix{unsafe} --select {finding.code} {shlex.quote(finding.path)}"


def urgent(findings: list[Finding]) -> tuple[list[Finding], int]:
    """The P0 findings the page lists (at most FIRST_LIMIT), and how many more there are."""
    found = [f for f in findings if f.code != ERROR_CODE and severity(f.code) == "P0"]
    return found[:FIRST_LIMIT], max(len(found) - FIRST_LIMIT, 0)


def first_actions(
    shown: list[Finding], more: int, blamed: dict[Path, dict[int, BlameLine] | None]
) -> tuple[list[Action], int]:
    """The P0 findings to act on first, with the owner git blame gave for each line."""
    actions = []
    for finding in shown:
        line = (blamed.get(Path(finding.path)) or {}).get(finding.line)
        owner = UNKNOWN if line is None else UNCOMMITTED if line.time is None else line.author
        rule = REGISTRY.rules.get(finding.code)
        name = rule.name if rule else "unknown"
        actions.append(
            Action(finding.path, finding.line, finding.code, name, finding.message, fix_command(finding), owner)
        )
    return actions, more


def trend(findings: list[Finding], baseline: Baseline) -> Trend:
    """Against a baseline: the findings not in it (new), its entries no finding matches any
    more (fixed), and the findings it holds (remaining)."""
    new, matched = baseline.split([f for f in findings if f.code != ERROR_CODE])
    fixed_entries = Counter(baseline.entries)
    fixed_entries.subtract(Counter(matched))
    counts: dict[str, list[int]] = {}
    for finding in new:
        counts.setdefault(finding.code, [0, 0, 0])[0] += 1
    for entry, left in fixed_entries.items():
        if left > 0:
            counts.setdefault(entry.code, [0, 0, 0])[1] += left
    for entry in matched:
        counts.setdefault(entry.code, [0, 0, 0])[2] += 1
    return Trend(
        str(baseline.file),
        new=len(new),
        fixed=sum(left for left in fixed_entries.values() if left > 0),
        remaining=len(matched),
        by_rule=[(code, n, f, r) for code, (n, f, r) in sorted(counts.items())],
    )
