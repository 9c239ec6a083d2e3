"""The team page's opening: what it covers, the P0 findings with the fix command and the
owner from git blame, rule links, rendered Markdown, and the trend against a baseline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reliability_lint.report.markup import inline_markdown

JOB = (
    "from google.cloud import bigquery\n"
    "\n"
    "def load(sql):\n"
    "    client = bigquery.Client()\n"
    "    job = client.query(sql)\n"
    "    return job.result()\n"
    "\n"
    "def notify():\n"
    "    try:\n"
    "        send()\n"
    "    except Exception:\n"
    "        pass\n"
)


def git(*args: str, cwd: Path, author: str = "Ana Ops") -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    env.update(GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL="a@example.com", GIT_COMMITTER_NAME=author, GIT_COMMITTER_EMAIL="a@example.com")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reliability_lint", *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "nightly-etl"\n')
    (tmp_path / "etl").mkdir()
    (tmp_path / "etl" / "job.py").write_text(JOB)
    git("init", "-q", "-b", "main", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "etl", cwd=tmp_path)
    return tmp_path


def section(markdown: str, heading: str) -> str:
    return markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_opens_with_the_scope_and_the_p0_findings_to_fix_first(repo: Path) -> None:
    (repo / "etl" / "late.py").write_text(  # not committed
        "from google.cloud import bigquery\n\ndef f():\n    return bigquery.Client().query('x').result()\n"
    )
    page = tool("report", ".", cwd=repo).stdout
    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    assert f"Project `nightly-etl` on branch `main` at commit `{commit}`." in page
    assert page.index("## What to do first") < page.index("## Findings by family and severity")
    first = section(page, "What to do first")
    rows = [line for line in first.splitlines() if line.startswith("| `")]
    assert len(rows) == 3, rows  # REL201 twice, REL102; REL202 (P2) is not P0
    rel201 = next(row for row in rows if "`etl/job.py:6`" in row)
    assert "[REL201](https://" in rel201 and "REL201-bigquery-wait-without-timeout.md) bigquery-wait-without-timeout" in rel201
    assert "`reliability-lint fix --select REL201 etl/job.py`" in rel201 and rel201.endswith("| Ana Ops |")
    rel102 = next(row for row in rows if "`etl/job.py:11`" in row)
    assert "`reliability-lint fix --unsafe-fixes --select REL102 etl/job.py`" in rel102
    late = next(row for row in rows if "`etl/late.py:4`" in row)
    assert late.endswith("| not committed yet |")
    # The command as printed works: it fixes that finding.
    fixed = tool("fix", "--select", "REL201", "etl/job.py", cwd=repo)
    assert fixed.returncode == 0, fixed.stdout
    assert "job.result(timeout=" in (repo / "etl" / "job.py").read_text()
    assert "dirty" not in page
    again = tool("report", ".", cwd=repo).stdout
    assert "with uncommitted changes." in again


def test_outside_git_and_without_p0_it_says_so(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("# TODO: later\n")
    page = tool("report", ".", cwd=tmp_path).stdout
    assert f"Project `{tmp_path.name}` (not a git repository)." in page
    assert "No P0 findings." in section(page, "What to do first")


def test_html_renders_the_summary_markdown_and_links_rules(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "team.html"
    assert tool("report", ".", "--format", "html", "-o", str(out), cwd=repo).returncode == 0
    page = out.read_text(encoding="utf-8")
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    assert "`" not in body  # no Markdown left as backticks
    assert "(<code>reliability-lint fix</code>)" in body
    assert re.search(r'<a href="https://[^"]+/REL201-bigquery-wait-without-timeout\.md">REL201</a>', body)
    assert "<code>nightly-etl</code>" in body and "<code>main</code>" in body


def test_docs_url_config_moves_every_link(repo: Path) -> None:
    with (repo / "pyproject.toml").open("a") as config:
        config.write('\n[tool.reliability-lint]\ndocs-url = "https://docs.example.com/rules/"\n')
    page = tool("report", ".", cwd=repo).stdout
    links = re.findall(r"\]\((https?://[^)]+)\)", page)
    assert links and all(link.startswith("https://docs.example.com/rules/REL") for link in links)


def test_baseline_trend_new_fixed_remaining(repo: Path) -> None:
    assert tool("baseline", ".", cwd=repo).returncode == 0
    job = repo / "etl" / "job.py"
    job.write_text(JOB.replace("return job.result()", "return job.result(timeout=600)") + "\ndef g():\n    try:\n        h()\n    except:\n        pass\n")
    page = tool("report", ".", "--baseline", ".reliability-lint-baseline.json", cwd=repo).stdout
    trend = section(page, "Against the baseline")
    assert "Baseline `.reliability-lint-baseline.json`: 2 new, 1 fixed, 2 remaining." in trend
    rows = {m[0]: tuple(map(int, m[1:])) for m in re.findall(r"^\| \[(REL\d+)\]\([^)]+\) \| (\d+) \| (\d+) \| (\d+) \|$", trend, re.M)}
    assert rows == {"REL101": (1, 0, 0), "REL102": (1, 0, 1), "REL201": (0, 1, 0), "REL202": (0, 0, 1)}
    missing = tool("report", ".", "--baseline", "nope.json", cwd=repo)
    assert missing.returncode == 2 and "nope.json: no such baseline" in missing.stderr


def test_inline_markdown_escapes_and_refuses_script_links() -> None:
    assert inline_markdown("run `a<b>` **now** [page](https://x.org/p?a=1&b=2)") == (
        'run <code>a&lt;b&gt;</code> <strong>now</strong> <a href="https://x.org/p?a=1&amp;b=2">page</a>'
    )
    assert "href" not in inline_markdown("[x](javascript:alert(1))")
