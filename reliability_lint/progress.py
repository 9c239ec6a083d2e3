"""The progress bar of check and fix, on stderr when it is a terminal.

It appears only once a run has lasted `delay` seconds (a quick run prints nothing). Its time
estimate never rests on the first file, which pays for imports and worker start-up: the
rate is the work done per second since the first file completed, over a sliding window of
the last `horizon` seconds, so neither a slow start nor the bursts in which a pool of
workers delivers results swing it, and it follows a machine that slows down.

Work is counted in files, or with `weights` (one per file, in the order results arrive)
in what a file costs: `estimated_work` weighs a Python file by its size and a text file
(Markdown, YAML: only the secret scan reads it) by a twentieth of it, plus a fixed cost
per file. Measured on the benchmark corpus, where small services come first, then the
docs, then the pipeline code with its fixes, a count of files put the estimate of `fix` at
0.44x the time left at its first display; this weighting keeps it within 0.84-1.07x.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Callable, TextIO

REDRAW = 0.1  # seconds between two drawings of the bar
TEXT_SHARE = 0.05  # a byte of a text file costs this share of a byte of Python
PER_FILE = 1000  # the fixed cost of a file (reading, bookkeeping), in bytes of Python


def estimated_work(files: Iterable[tuple[Path, frozenset[str], int | None]]) -> list[float]:
    """The relative cost of each (path, kinds, size if known) for the bar's weights."""
    work = []
    for path, kinds, size in files:
        if size is None:
            try:
                size = os.stat(path).st_size
            except OSError:
                size = 0
        python = "python" in kinds or "notebook" in kinds
        work.append((size if python else size * TEXT_SHARE) + PER_FILE)
    return work


class Progress:
    def __init__(
        self,
        total: int,
        label: str,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        delay: float = 1.0,
        horizon: float = 10.0,
        width: int | None = None,
        weights: Sequence[float] | None = None,
    ) -> None:
        self.total, self.label = total, label
        self.weights = weights
        self.work_total = sum(weights) if weights is not None else float(total)
        self.work_done = 0.0
        self.stream = stream if stream is not None else sys.stderr
        self.clock, self.delay, self.horizon = clock, delay, horizon
        self.width = width
        self.done = 0
        self.started = clock()
        # (time, work done) from the first file's completion on; the oldest is the anchor
        # the rate is measured from, at most `horizon` seconds back.
        self._samples: deque[tuple[float, float]] = deque()
        self.shown = False
        self._drawn_at = float("-inf")

    def update(self, count: int = 1) -> None:
        if self.weights is None:
            self.work_done += count
        else:
            self.work_done += sum(self.weights[self.done : self.done + count])
        self.done += count
        now = self.clock()
        samples = self._samples
        samples.append((now, self.work_done))
        while len(samples) > 2 and samples[1][0] <= now - self.horizon:
            samples.popleft()
        if now - self.started >= self.delay and (now - self._drawn_at >= REDRAW or self.done >= self.total):
            self._draw(now)

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left, or None while there is nothing past the first file to go by."""
        if len(self._samples) < 2:
            return None
        now = self.clock() if now is None else now
        since, done_then = self._samples[0]
        if now <= since or self.work_done <= done_then:
            return None
        rate = (self.work_done - done_then) / (now - since)
        return max(self.work_total - self.work_done, 0) / rate

    def line(self, now: float | None = None) -> str:
        eta = self.eta(now)
        left = "--:--" if eta is None else _clock(eta)
        counts = f"{self.done}/{self.total}"
        columns = self.width or shutil.get_terminal_size((80, 24)).columns
        room = max(10, min(40, columns - len(self.label) - len(counts) - len(left) - 12))
        filled = room * self.done // self.total if self.total else room
        return f"{self.label} [{'#' * filled}{'-' * (room - filled)}] {counts} ETA {left}"

    def _draw(self, now: float) -> None:
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()
        self.shown = True
        self._drawn_at = now

    def close(self) -> None:
        """Take the bar off the screen, so the report starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
