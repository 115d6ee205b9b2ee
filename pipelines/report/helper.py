"""write_all's helper: a second process (or a thread) that makes a county-year's evidence and,
when it is not behind, its workbook, while the run's process reads the next county-years and
renders pages.

This module is what the helper process unpickles with each task (`_in_helper`), so it imports
neither pandas nor DuckDB at its import; what the tasks need is loaded by `helper_start`.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import (BrokenExecutor, Executor, Future, ProcessPoolExecutor,
                                ThreadPoolExecutor)

from pipelines.core.inline_executor import InlineExecutor
from pipelines.core.lake import LakeError

# Not one county-year's: the disk, the lake, the machine. The step stops with it, as it would
# for every county-year after.
STOPS = (OSError, LakeError, MemoryError)


def error_text(error: BaseException) -> str:
    """What went wrong, in a line: the exception's type and its message (bounded)."""
    text = f"{type(error).__name__}: {error}".strip()
    return text if len(text) <= 500 else text[:499] + "…"


def helper_start() -> None:
    """The helper process, before its first task: what it will need, loaded once."""
    import PIL.Image  # noqa: F401
    import PIL.ImageDraw  # noqa: F401
    import pypdfium2  # noqa: F401

    import pipelines.core.workbook  # noqa: F401
    import pipelines.normalise.sections  # noqa: F401  (HtmlCells)
    import pipelines.parse.html_tables  # noqa: F401


SHARE_BELOW = 1  # tasks the helper may have in hand and still be given a workbook


_HERE = InlineExecutor()


class Helper:
    """write_all's second pair of hands: one spawned process (or one thread) that makes the
    evidence and, when it is not behind, writes a workbook, while this process reads the next
    county-years and renders pages. The process imports only the evidence and workbook modules
    (pdfium, PIL, lxml, the normaliser, the xlsx writer: ~70 MiB, no pandas or DuckDB) and is
    started with the first county-year to make (a night whose reports are all kept starts
    none), so that its start overlaps that one's reading; a thread
    shares the GIL, so it helps only while pdfium renders and PIL encodes. Should the process
    die (killed, out of memory), what it had not made is made here, as is a task it could not
    be sent or could not send back (a value that does not pickle). "inline": everything made
    here, at once (one report; a profiler)."""

    def __init__(self, kind: str):
        self.kind = kind
        self._pool: Executor | None = None
        self._pending: list[Future] = []

    def start(self) -> None:
        """Start it (a night whose reports are all kept never does): the caller reads the
        county-year it has to make meanwhile."""
        if self._pool is not None:
            return
        if self.kind == "process":
            ctx = multiprocessing.get_context("spawn")  # not a fork of Dagster's threads
            self._pool = ProcessPoolExecutor(1, mp_context=ctx, initializer=helper_start)
            self._pool.submit(int)  # its start begins now, not with the first task
        elif self.kind == "thread":  # one at most: pdfium must never be called from two at once
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="report-helper")
        else:
            self._pool = _HERE

    def submit(self, fn, *args) -> "_Task":
        self.start()
        try:
            if self.kind == "process":  # its own errors come back as values (see _Task)
                future = self._pool.submit(_in_helper, fn, *args)
            else:
                future = self._pool.submit(fn, *args)
        except BrokenExecutor:
            return _HERE.submit(fn, *args)
        self._pending.append(future)
        return _Task(future, fn, args, self.kind == "process")

    def share(self, fn, *args):
        """`fn` in the helper unless it is behind (more than the task just given to it)."""
        self._pending = [f for f in self._pending if not f.done()]
        if len(self._pending) <= SHARE_BELOW:
            return self.submit(fn, *args)
        return _HERE.submit(fn, *args)

    def close(self) -> None:
        # Every result has been taken: the process is told to stop and stops on its own
        # (waiting for it to exit cost ~0.3 s of the step).
        if self._pool is not None and self._pool is not _HERE:
            self._pool.shutdown(wait=False, cancel_futures=True)


class HelperTaskError(RuntimeError):
    """A task's own error in the helper process, as its type and message."""


class _Raised:
    """A task's own error, sent back from the helper process as text (an exception need not
    pickle). It tells the task's failure apart from the transport's: whatever else the future
    raises (the helper died, the task's arguments or result would not pickle) is no fault of
    the task's, so it is made here."""

    def __init__(self, error: BaseException):
        self.text = error_text(error)


def _in_helper(fn, *args):
    try:
        return fn(*args)
    except STOPS:  # the disk's or the lake's: raised as it is (they pickle), the step stops
        raise
    except Exception as error:
        return _Raised(error)


class _Task:
    def __init__(self, future: Future, fn, args, sent: bool = False):
        self.future, self.fn, self.args = future, fn, args
        self.sent = sent  # to the helper process, wrapped by _in_helper

    def result(self):
        try:
            got = self.future.result()
        except STOPS:
            raise
        except Exception:
            if not self.sent:  # a thread's or this process's: the task's own
                raise
            return self.fn(*self.args)  # the transport's, not the task's: made here
        if isinstance(got, _Raised):
            raise HelperTaskError(got.text)
        return got
