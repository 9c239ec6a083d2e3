"""The progress bar of check and fix, on stderr when it is a terminal.

It appears only once a run has lasted `delay` seconds (a quick run prints nothing). Its time
estimate never rests on the first file, which pays for imports and worker start-up: the
rate is the files done per second since the first file completed, over a sliding window of
the last `horizon` seconds, so neither a slow start nor the bursts in which a pool of
workers delivers results swing it, and it follows a machine that slows down.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections import deque
from typing import Callable, TextIO

REDRAW = 0.1  # seconds between two drawings of the bar


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
    ) -> None:
        self.total, self.label = total, label
        self.stream = stream if stream is not None else sys.stderr
        self.clock, self.delay, self.horizon = clock, delay, horizon
        self.width = width
        self.done = 0
        self.started = clock()
        # (time, files done) from the first file's completion on; the oldest is the anchor
        # the rate is measured from, at most `horizon` seconds back.
        self._samples: deque[tuple[float, int]] = deque()
        self.shown = False
        self._drawn_at = float("-inf")

    def update(self, count: int = 1) -> None:
        self.done += count
        now = self.clock()
        samples = self._samples
        samples.append((now, self.done))
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
        if now <= since or self.done <= done_then:
            return None
        rate = (self.done - done_then) / (now - since)
        return max(self.total - self.done, 0) / rate

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
