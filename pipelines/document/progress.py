"""Progress of a long fan-out: a log line every N documents with the rate and an ETA, and a
progress bar when stderr is a terminal (never in logs, CI or Dagster's captured output)."""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Callable

log = logging.getLogger("pipelines.extract")


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


def default_every(total: int) -> int:
    """GONGKAI_PROGRESS_EVERY, else about twenty lines a run, at least every 10 and at most
    every 1,000 documents."""
    given = int(os.environ.get("GONGKAI_PROGRESS_EVERY", 0) or 0)
    return given if given > 0 else max(10, min(1000, total // 20))


class Progress:
    """Count finished documents; say so every `every` of them and at the end."""

    def __init__(self, total: int, what: str = "extracted", *, every: int | None = None,
                 emit: Callable[[str], None] | None = None, bar: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.what = total, what
        self.every = every or default_every(total)
        self.emit = emit or log.info
        self.clock = clock
        self.started = clock()
        self.done = 0
        self._bar = None
        if bar is None:
            bar = sys.stderr.isatty() and total > 0
        if bar:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True,
                             desc=what, leave=False)

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        left = self.total - self.done
        eta = _duration(left / rate) if rate > 0 and left else "0s" if not left else "?"
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return (f"{self.what} {self.done:,}/{self.total:,} documents ({pct:.0f}%), "
                f"{rate:.1f} documents/s, elapsed {_duration(elapsed)}, ETA {eta}")

    def update(self, n: int = 1) -> None:
        before = self.done
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        if self.done // self.every > before // self.every and self.done < self.total:
            self.emit(self.line())

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self.total:
            self.emit(self.line())
