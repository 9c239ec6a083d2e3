"""What the team page opens with: the project, branch and commit it covers, the P0
findings to act on first (where, which rule, the fix command, who last touched the line),
and the trend against a baseline (new, fixed, remaining)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reliability_lint.baseline import Baseline
from reliability_lint.blame import blame_files
from reliability_lint.findings import ERROR_CODE, Finding
from reliability_lint.registry import REGISTRY

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

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


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def scope_of(root: Path) -> Scope:
    """The project's name (pyproject.toml's, else its folder's) and the git state it is at."""
    name = root.absolute().name
    try:
        declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {}).get("name")
        name = declared if isinstance(declared, str) and declared else name
    except (OSError, ValueError):
        pass
    commit = _git(root, "rev-parse", "--short=12", "HEAD")
    if commit is None:
        return Scope(name)
    branch = _git(root, "symbolic-ref", "--short", "-q", "HEAD") or "(detached)"
    dirty = bool(_git(root, "status", "--porcelain", "--untracked-files=no"))
    return Scope(name, branch, commit, dirty)


def severity(code: str) -> str:
    rule = REGISTRY.rules.get(code)
    return rule.severity if rule else "P0"


def fix_command(finding: Finding) -> str:
    fix = finding.fix
    if fix is None:
        return ""
    unsafe = " --unsafe-fixes" if fix.applicability == "unsafe" else ""
    return f"reliability-lint fix{unsafe} --select {finding.code} {shlex.quote(finding.path)}"


def first_actions(findings: list[Finding], jobs: int = 1) -> tuple[list[Action], int]:
    """The P0 findings, at most FIRST_LIMIT of them with their owner, and how many more."""
    urgent = [f for f in findings if f.code != ERROR_CODE and severity(f.code) == "P0"]
    shown, more = urgent[:FIRST_LIMIT], max(len(urgent) - FIRST_LIMIT, 0)
    lines: dict[Path, list[int]] = {}
    for finding in shown:
        lines.setdefault(Path(finding.path), []).append(finding.line)
    blamed = blame_files({path: (found, None) for path, found in lines.items()}, jobs)
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
