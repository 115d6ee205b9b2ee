"""The executors per-document extraction runs on: one `concurrent.futures.Executor` each.

- `inline`: this process (a handful of documents).
- `process pool`: local spawned workers, the default.
- `dask`: `distributed.Client(address).get_executor()` when a scheduler address is given
  (`gongkai run --dask-scheduler` / GONGKAI_DASK_SCHEDULER). Its workers need only the
  gongkai package and the lake's credentials: they read documents from the lake and write
  results there; a worker lost mid-run has its tasks rerun on the others by the scheduler.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from pipelines.core.inline_executor import InlineExecutor  # noqa: F401 - used and re-exported


@dataclass(frozen=True)
class ExecutorInfo:
    kind: str  # inline | process pool | dask
    workers: int
    threads: int  # tasks run at once
    address: str = ""

    def describe(self) -> str:
        where = f" {self.address}" if self.address else ""
        extra = f", {self.threads} threads" if self.kind == "dask" else ""
        return f"{self.kind}{where} ({self.workers} worker{'s' if self.workers != 1 else ''}{extra})"

    def as_dict(self) -> dict:
        return {"executor": self.kind, "workers": self.workers, "threads": self.threads,
                "address": self.address, "describe": self.describe()}


class SchedulerUnavailable(RuntimeError):
    """The dask scheduler could not be reached, or has no workers."""


@contextmanager
def local_executor(n_jobs: int, workers: int | None = None) -> Iterator[tuple[Executor, ExecutorInfo]]:
    workers = workers or int(os.environ.get("GONGKAI_WORKERS", 0)) or os.cpu_count() or 1
    if n_jobs < 4 or workers == 1:
        yield InlineExecutor(), ExecutorInfo("inline", 1, 1)
        return
    n = min(workers, n_jobs)
    # spawn: workers start from a clean interpreter, not from a fork of a process that runs
    # Dagster's threads, and without a forkserver process (about 50 MiB) beside them.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_start) as pool:
        yield pool, ExecutorInfo("process pool", n, n)


def _worker_start() -> None:
    """A local extraction worker never reads or writes Arrow data (results go to the lake as
    JSON), but pandas 2 imports pyarrow whenever it is installed: about 35 MiB per worker.
    Marking it absent before pandas is imported keeps it out; the extractor is imported
    after (camelot only with the first PDF that has tables)."""
    import sys

    if "pandas" not in sys.modules:
        sys.modules.setdefault("pyarrow", None)  # type: ignore[arg-type]
    import pipelines.document.document  # noqa: F401


@contextmanager
def dask_executor(address: str, *, timeout: float = 30.0,
                  wait_for_workers: float = 60.0) -> Iterator[tuple[Executor, ExecutorInfo]]:
    try:
        from distributed import Client
    except ImportError as e:  # pragma: no cover - dask.distributed is a dependency
        raise SchedulerUnavailable("--dask-scheduler needs dask.distributed installed") from e
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise SchedulerUnavailable(f"cannot reach the dask scheduler at {address}: "
                                   f"{type(e).__name__}: {e}") from e
    try:
        try:
            client.wait_for_workers(1, timeout=wait_for_workers)
        except TimeoutError as e:
            raise SchedulerUnavailable(f"the dask scheduler at {address} has no workers "
                                       f"(waited {wait_for_workers:g} s)") from e
        workers = client.scheduler_info(n_workers=-1)["workers"]
        info = ExecutorInfo("dask", len(workers),
                            sum(w.get("nthreads", 1) for w in workers.values()), address)
        yield client.get_executor(), info
    finally:
        client.close()


@contextmanager
def open_executor(n_jobs: int, dask_scheduler: str | None = None
                  ) -> Iterator[tuple[Executor, ExecutorInfo]]:
    """The dask cluster's executor when an address is given, else the local default."""
    cm = dask_executor(dask_scheduler) if dask_scheduler else local_executor(n_jobs)
    with cm as pair:
        yield pair
