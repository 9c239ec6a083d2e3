"""The team page in a real headless Chromium: no console errors, and it fits a 1366 px wide
laptop screen without horizontal scrolling. The checks are first shown to catch a page that
breaks both, so a pass means something."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from browser import chromium, render

DEMO = Path(__file__).resolve().parent.parent / "examples" / "legacy_pipeline"
pytestmark = pytest.mark.skipif(
    chromium() is None, reason="chromium is not installed (apt-get install -y chromium; .ci/run does)"
)


def test_the_checks_catch_a_page_that_scrolls_and_logs_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>bad</title></head><body>"
        '<div style="width:2000px">wide</div><img src="missing.png">'
        "<script>console.error('boom'); undefined_function();</script></body></html>",
        encoding="utf-8",
    )
    page = render(bad)
    assert page.scroll_width > page.client_width
    assert any("boom" in e for e in page.errors)
    assert any("undefined_function" in e for e in page.errors)


def test_the_team_page_fits_a_laptop_and_has_no_console_errors(tmp_path: Path) -> None:
    demo = tmp_path / "legacy_pipeline"
    shutil.copytree(DEMO, demo)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    env.update(GIT_AUTHOR_NAME="Ana Ops", GIT_AUTHOR_EMAIL="ana@example.com")
    env.update(GIT_COMMITTER_NAME="Ana Ops", GIT_COMMITTER_EMAIL="ana@example.com")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "demo"]):
        subprocess.run(["git", *command], cwd=demo, env=env, check=True, capture_output=True)
    baseline = subprocess.run([sys.executable, "-m", "reliability_lint", "baseline", "."], cwd=demo, capture_output=True, text=True)
    assert baseline.returncode == 0, baseline.stderr
    (demo / "pipeline" / "late_job.py").write_text("def run(job):\n    try:\n        job.go()\n    except:\n        pass\n")
    out = tmp_path / "team.html"
    result = subprocess.run(
        [sys.executable, "-m", "reliability_lint", "report", ".", "--format", "html", "-o", str(out),
         "--baseline", ".reliability-lint-baseline.json"],
        cwd=demo, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "<h2>What to do first</h2>" in html and "Ana Ops" in html and "<h2>Against the baseline</h2>" in html
    for width in (1366, 1280):
        page = render(out, width=width)
        assert page.title == "Reliability report"
        assert page.errors == []
        # The viewport less a vertical scrollbar; nothing wider than it.
        assert width - 20 <= page.client_width <= width and page.scroll_width <= page.client_width, (width, page)
