"""What `todos` and `report` show, gathered from the engine's one run (its discovery, pool,
Ctrl-C handling and redaction) and the git service; the renderers in report/ only render.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path
import sys
from typing import TYPE_CHECKING, Any

from reliability_lint import engine
from reliability_lint.findings import Finding
from reliability_lint.git import BlameLine, blame_files, head_state
from reliability_lint.registry import REGISTRY
from reliability_lint.report import team_actions
from reliability_lint.report.todos import Entry, sort_key
from reliability_lint.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
if TYPE_CHECKING:
    from reliability_lint.baseline import Baseline
    from reliability_lint.report.team import TeamReport

TODO_TAG = "untracked-todo"  # the tag of the rules whose findings the team report ages


def inventory(tasks: list[engine.Task], settings: Settings, jobs: int) -> tuple[list[Entry], list[tuple[str, str]]]:
    """Every tagged comment of the files among `tasks`, oldest first, and the files that
    could not be read (path, reason)."""
    # Records are not findings: the cache does not hold them.
    run_settings = replace(settings, collect=frozenset({"todos"}), cache_dir=None)
    results = engine.run(tasks, run_settings, engine.INVENTORY, jobs)
    found: dict[str, list[Any]] = {}
    errors: list[tuple[str, str]] = []
    paths = {task.display: task.path for task in tasks}
    for result in results:
        errors.extend((finding.path, finding.message) for finding in result.findings)
        todos = [record for inventory_name, record in result.records if inventory_name == "todos"]
        if todos:
            found[result.display] = todos
    blamed = blame_files({paths[d]: ([t.line for t in todos], None) for d, todos in found.items()}, jobs)
    entries: list[Entry] = []
    for display, todos in found.items():
        lines = blamed.get(paths[display]) or {}
        entries.extend(Entry(display, todo, lines.get(todo.line)) for todo in todos)
    return sorted(entries, key=sort_key), errors


def todo_blame(findings: list[Finding], jobs: int) -> list[BlameLine | None]:
    """git blame of the line of each finding of a rule tagged "untracked-todo", in order;
    None where git does not know the line."""
    todos = [f for f in findings if (rule := REGISTRY.rules.get(f.code)) is not None and TODO_TAG in rule.tags]
    lines: dict[Path, list[int]] = defaultdict(list)
    for finding in todos:
        lines[Path(finding.path)].append(finding.line)
    blamed = blame_files({path: (found, None) for path, found in lines.items()}, jobs)
    return [(blamed.get(Path(finding.path)) or {}).get(finding.line) for finding in todos]


def team_details(
    report: TeamReport,
    findings: list[Finding],
    root: Path,
    jobs: int = 1,
    baseline: Baseline | None = None,
    docs_url: str | None = None,
) -> TeamReport:
    """What the team page opens with, from git and the project's files: the scope, the P0
    findings with the owner of each line, the trend against a baseline."""
    report.scope = project_scope(root)
    shown, more = team_actions.urgent(findings)
    lines: dict[Path, list[int]] = {}
    for finding in shown:
        lines.setdefault(Path(finding.path), []).append(finding.line)
    blamed = blame_files({path: (found, None) for path, found in lines.items()}, jobs)
    report.actions, report.actions_more = team_actions.first_actions(shown, more, blamed)
    report.trend = team_actions.trend(findings, baseline) if baseline is not None else None
    report.docs_url = docs_url
    return report


def project_scope(root: Path) -> team_actions.Scope:
    """The project's name (pyproject.toml's, else its folder's) and the git state it is at."""
    name = root.absolute().name
    try:
        declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {}).get("name")
        name = declared if isinstance(declared, str) and declared else name
    except (OSError, ValueError):
        pass
    state = head_state(root)
    if state is None:
        return team_actions.Scope(name)
    branch, commit, dirty = state
    return team_actions.Scope(name, branch, commit, dirty)
