"""The progress bar, driven by a fake clock: hidden on short runs, and an estimate that is
sane from its first display however slow the first file was."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

from reliability_lint.progress import Progress, estimated_work


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def bar(total: int) -> tuple[Progress, Clock, io.StringIO]:
    clock, stream = Clock(), io.StringIO()
    return Progress(total, "Fixing", stream=stream, clock=clock, width=100), clock, stream


def test_a_run_shorter_than_the_delay_prints_nothing() -> None:
    progress, clock, stream = bar(50)
    for _ in range(50):
        clock.now += 0.015
        progress.update()
    progress.close()
    assert stream.getvalue() == ""


def test_a_slow_first_file_does_not_make_the_estimate() -> None:
    """The case of the issue: the first file pays 3 s of start-up, then a file takes 0.4 s.
    click's bar said 300 files x 3 s; the real rest is 299 x 0.4 s = 2 minutes."""
    progress, clock, stream = bar(300)
    clock.now += 3.0
    progress.update()  # past the delay, but nothing past the first file to go by yet
    assert progress.eta() is None and "ETA --:--" in stream.getvalue()
    clock.now += 0.4
    progress.update()
    first_estimate = progress.eta()
    assert first_estimate is not None and abs(first_estimate - 298 * 0.4) < 1
    assert "2/300 ETA 1:59" in stream.getvalue()
    for _ in range(100):
        clock.now += 0.4
        progress.update()
        eta = progress.eta()
        assert eta is not None and abs(eta - (300 - progress.done) * 0.4) <= 0.05 * (300 - progress.done) * 0.4 + 1


def test_bursts_from_the_pool_are_smoothed() -> None:
    """Results come in bursts of 4 (one per worker) every 2 s: the estimate stays near the
    true 0.5 s a file instead of swinging between zero and infinity."""
    progress, clock, _ = bar(400)
    clock.now += 2.0
    progress.update()  # first file
    estimates = []
    for _ in range(40):
        clock.now += 2.0
        for _ in range(4):
            progress.update()
        estimates.append(progress.eta())
    true = [(400 - 1 - 4 * (i + 1)) * 0.5 for i in range(40)]
    for got, want in zip(estimates[1:], true[1:]):
        assert got is not None and abs(got - want) <= 0.15 * want + 1, (got, want)


def test_the_rate_follows_a_slowdown_without_jumping() -> None:
    progress, clock, _ = bar(1000)
    clock.now += 1.0
    progress.update()
    for _ in range(200):
        clock.now += 0.1
        progress.update()
    fast = progress.eta()
    for _ in range(50):
        clock.now += 0.5  # the machine got busy
        progress.update()
    slow = progress.eta()
    assert fast is not None and slow is not None
    assert abs(fast - 799 * 0.1) < 5
    assert slow > fast and abs(slow - 749 * 0.5) < 0.1 * 749 * 0.5


def test_the_bar_is_redrawn_in_place_and_removed_at_the_end() -> None:
    progress, clock, stream = bar(3)
    with progress:
        for _ in range(3):
            clock.now += 1.0
            progress.update()
    text = stream.getvalue()
    assert text.startswith("\rFixing [") and "3/3 ETA 0:00" in text and "\n" not in text
    assert text.endswith("\r\x1b[K")


def test_check_on_a_terminal_shows_the_bar_on_stderr_only(tmp_path: Path) -> None:
    """A real pseudo-terminal as stderr; a slow local rule makes the run last past 1 s."""
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    (tmp_path / "lint_rules").mkdir()
    (tmp_path / "lint_rules" / "slow.py").write_text(
        "import time\nfrom reliability_lint.registry import rule\n\n"
        "@rule('SLOW001', 'slow', 'sleeps', 'P3')\ndef slow(ctx):\n    time.sleep(0.1)\n"
    )
    for number in range(15):
        (tmp_path / f"m{number}.py").write_text("x = 1\n")
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "reliability_lint", "check", ".", "-j", "1", "--no-cache"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=child, text=True,
    )  # fmt: skip
    os.close(child)
    stdout, _ = process.communicate(timeout=120)
    seen = b""
    while select.select([main], [], [], 0.5)[0]:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert process.returncode == 0, stdout
    assert b"Checking [" in seen and re.search(rb"(\d+)/\1 ETA 0:00", seen), seen
    assert "Checking [" not in stdout and stdout.strip() == "All checks passed!"
    quiet = subprocess.run(
        [sys.executable, "-m", "reliability_lint", "check", "m0.py", "--no-cache"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert quiet.stderr == ""  # not a terminal: no bar


def test_the_estimate_of_fix_holds_where_the_cost_of_files_differs(tmp_path: Path) -> None:
    """The order of the benchmark corpus: small services first, then large Markdown docs
    (only the secret scan reads them), then the pipeline code with its fixes, each file
    costing what it costs there (about 1.4 us a byte of Python with no fix, 3.5 with
    fixes, 0.1 for text, 2 ms a file). A count of files says a third of the time left at
    the first display; the work estimate is within 50% from the first display on."""
    files: list[tuple[Path, frozenset[str], int | None]] = []
    costs = []
    python, text = frozenset({"python"}), frozenset({"text"})
    for number in range(100):
        files.append((tmp_path / f"auth{number}.py", python, 1_500))
        costs.append(0.002 + 1_500 * 1.4e-6)
    for number in range(100):
        files.append((tmp_path / f"doc{number}.md", text, 16_000))
        costs.append(0.002 + 16_000 * 0.1e-6)
    for number in range(800):
        size = 4_000 + 250 * (number % 9)
        files.append((tmp_path / f"job{number}.py", python, size))
        costs.append(0.002 + size * (3.5e-6 if number % 4 else 1.4e-6))
    (tmp_path / "unsized.py").write_text("x = 1\n" * 100)
    assert estimated_work([(tmp_path / "unsized.py", python, None)]) == [600 + 1000]

    def worst_ratio(progress: Progress, clock: Clock) -> tuple[float, float]:
        clock.now += 0.8  # the first file pays the start-up
        progress.update()
        ratios = []
        for index, cost in enumerate(costs[1:], start=1):
            clock.now += cost
            progress.update()
            left = sum(costs[index + 1 :])
            eta = progress.eta()
            if progress.shown and left > 1:
                assert eta is not None
                ratios.append(eta / left)
        return min(ratios), max(ratios)

    clock = Clock()
    counted = Progress(len(files), "Fixing", stream=io.StringIO(), clock=clock, width=100)
    low, _ = worst_ratio(counted, clock)
    assert low < 0.5  # the case this test is about
    clock = Clock()
    weighted = Progress(len(files), "Fixing", stream=io.StringIO(), clock=clock, width=100, weights=estimated_work(files))
    low, high = worst_ratio(weighted, clock)
    assert 0.5 <= low and high <= 1.5, (low, high)
