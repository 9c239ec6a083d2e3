"""`reliability-lint report` on the demo pipeline: its numbers agree with `check`'s JSON."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.registry import REGISTRY, SEVERITIES

DEMO = Path(__file__).resolve().parent.parent / "examples" / "legacy_pipeline"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[dict], str]]:
    """A copy of the demo (not a git repository), check's JSON on it and the Markdown report."""
    base = tmp_path_factory.mktemp("report")
    copy = base / "legacy_pipeline"
    shutil.copytree(DEMO, copy)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CEILING_DIRECTORIES", str(base))
        patch.chdir(copy)
        findings = json.loads(_invoke("check", ".", "--output-format", "json", "-j", "1"))
        yield copy, findings, _invoke("report", ".", "-j", "1")


@pytest.fixture
def demo(checked: tuple[Path, list[dict], str], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(checked[0].parent))
    monkeypatch.chdir(checked[0])
    return checked[0]


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _table(markdown: str, heading: str) -> list[list[str]]:
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    unlink = re.compile(r"\[([^\]]+)\]\([^)]+\)")  # rule codes link to their pages
    return [[unlink.sub(r"\1", cell.strip()).strip("*`") for cell in row.strip("|").split("|")] for row in rows]


def test_markdown_numbers_match_check_json(demo: Path, checked: tuple[Path, list[dict], str]) -> None:
    _, findings, markdown = checked
    family_of = {code: rule.family for code, rule in REGISTRY.rules.items()}

    by_family: dict[str, Counter] = {}
    for f in findings:
        by_family.setdefault(family_of[f["code"]], Counter())[f["severity"]] += 1
    rows = {row[0]: [int(n) for n in row[1:]] for row in _table(markdown, "Findings by family and severity")}
    expected = {family: [c[s] for s in SEVERITIES] + [sum(c.values())] for family, c in by_family.items()}
    expected["total"] = [sum(c[s] for c in by_family.values()) for s in SEVERITIES] + [len(findings)]
    assert rows == expected

    per_rule = {row[0]: (int(row[4]), int(row[5]), int(row[6])) for row in _table(markdown, "Findings by rule")}
    codes = Counter(f["code"] for f in findings)
    applicability = Counter((f["code"], (f["fix"] or {}).get("applicability")) for f in findings)
    assert per_rule == {
        code: (count, applicability[code, "safe"], applicability[code, "unsafe"]) for code, count in codes.items()
    }

    fixable = {row[0]: int(row[1]) for row in _table(markdown, "Fixable")}
    assert fixable == {
        "safe": sum(1 for f in findings if f["fix"] and f["fix"]["applicability"] == "safe"),
        "unsafe": sum(1 for f in findings if f["fix"] and f["fix"]["applicability"] == "unsafe"),
        "none": sum(1 for f in findings if not f["fix"]),
    }
    assert f"{len(findings)} findings in " in markdown

    per_file = Counter(os.path.relpath(f["filename"]) for f in findings)
    files = {row[0]: int(row[1]) for row in _table(markdown, "Most affected files")}
    assert files == dict(per_file.most_common(10))
    assert files == {path: per_file[path] for path in files}


def test_todo_family_matches_expected_md(checked: tuple[Path, list[dict], str]) -> None:
    """REL401/REL402 counts on the demo are those EXPECTED.md lists."""
    expected = Counter(re.findall(r"^\| pipeline/\S+ \| \d+ \| (REL40\d) \|", (DEMO / "EXPECTED.md").read_text(), re.M))
    per_rule = {row[0]: int(row[4]) for row in _table(checked[2], "Findings by rule")}
    assert {code: per_rule.get(code, 0) for code in expected} == dict(expected) == {"REL401": 3, "REL402": 4}


def test_untracked_todos_by_age(checked: tuple[Path, list[dict], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ages = {row[0]: int(row[1]) for row in _table(checked[2], "Untracked TODOs by age")}
    assert ages["unknown (no git history)"] == 3  # the copy is not a repository
    demo = tmp_path / "aged"
    shutil.copytree(DEMO, demo)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(demo)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    stamp = (datetime.now(timezone.utc) - timedelta(days=100)).isoformat()
    env.update(GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@example.com", GIT_AUTHOR_DATE=stamp)
    env.update(GIT_COMMITTER_NAME="A", GIT_COMMITTER_EMAIL="a@example.com", GIT_COMMITTER_DATE=stamp)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "demo"]):
        subprocess.run(["git", *command], cwd=demo, env=env, check=True, capture_output=True)
    ages = {row[0]: int(row[1]) for row in _table(_invoke("report", "."), "Untracked TODOs by age")}
    assert ages == {"under 30 days": 0, "30 to 89 days": 0, "90 to 364 days": 3, "a year or more": 0}


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter = Counter()
        self.references: list[str] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[tag] += 1
        if tag != "a":  # a link's text is its cell's text
            self._in_cell = tag == "td"
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset", "data", "poster") or name.endswith(":href"):
                self.references.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells.append(data)
            self._in_cell = False


def test_html_is_self_contained_and_agrees(demo: Path, checked: tuple[Path, list[dict], str], tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", ".", "--format", "html", "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    parser = _References()
    parser.feed(page)
    # Nothing is fetched: the only references are links a reader follows (the rule pages).
    assert parser.references and all(ref.startswith("a href=https://") for ref in parser.references)
    assert parser.tags["script"] == 0 and parser.tags["link"] == 0 and parser.tags["iframe"] == 0
    unlinked = re.sub(r'<a href="[^"]*">', "<a>", page)
    for forbidden in ("url(", "@import", "http://", "https://", "//cdn"):
        assert forbidden not in unlinked
    assert parser.tags["svg"] == 2 and parser.tags["rect"] > 0

    codes = Counter(f["code"] for f in checked[1])
    # Each rule row of the HTML table: code, name, family, severity, findings, safe, unsafe.
    by_rule = _References()
    by_rule.feed(page.split("<h2>Findings by rule</h2>", 1)[1].split("<h2>", 1)[0])
    for code, count in codes.items():
        index = by_rule.cells.index(code)
        assert int(by_rule.cells[index + 4]) == count


def test_unwritable_output_is_a_clear_error(demo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "pipeline/alerts.py", "-o", str(tmp_path / "missing" / "r.md")])
    assert result.exit_code == 2
    assert "r.md: cannot write" in result.stderr
