"""Fan-out of per-document extraction through one small compute interface.

Any `concurrent.futures.Executor` will do: a local process pool by default, a distributed
engine's executor (dask's `Client.get_executor()`, see `executors.py`). Workers read the raw
bytes from the lake themselves and write their result file there, so only the sha256 goes out
and a small summary comes back. The driver keeps a bounded number of jobs in flight and only
counts what comes back, so its memory does not grow with the number of documents.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from pipelines.core.lake import LakeError, RawStore
from pipelines.core.models import ExtractionResult, ResultSummary
from pipelines.document.executors import (  # noqa: F401 - InlineExecutor re-exported
    ExecutorInfo, InlineExecutor, local_executor, open_executor)
from pipelines.document.progress import Progress
from pipelines.document.results import ResultStore
from pipelines.document.version import EXTRACTOR_VERSION

log = logging.getLogger(__name__)

# The readers (pdfium, camelot's tables, lxml, ...; ~0.1 s to import) are loaded on first use:
# a night with nothing to extract does not need them. `batch.extract_document` and
# `batch.failed_result` still name them, and what is assigned to them is what the jobs call
# (tests/cluster/slow_worker.py slows the workers down so).
_READERS = ("extract_document", "failed_result")


def __getattr__(name: str):
    if name in _READERS:
        from pipelines.document import document

        value = getattr(document, name)
        globals()[name] = value  # once: later look-ups find the module attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _reader(name: str):
    """This module's `extract_document` or `failed_result`, as assigned or loaded."""
    return getattr(sys.modules[__name__], name)

NOT_OK_KEPT = 200  # summaries of documents that did not read ok, kept for the run's metadata


@dataclass(frozen=True)
class Job:
    sha256: str  # the document, in the lake's raw store
    media_type: str | None


def summary(result: ExtractionResult) -> dict:
    """What crosses back from a worker: the result without its facts (counts instead)."""
    return ResultSummary.of(result).to_dict()


class WorkerMismatch(RuntimeError):
    """A worker runs another extractor version than the driver: its results would land
    under another version's folder. The run stops; deploy one image everywhere."""


def run_job(job: Job, lake: str, version: str | None = None) -> dict:
    """On a worker: read the document from the lake, extract it, write its result there.

    `version`: the driver's extractor version; a worker with other code refuses.

    Logs `start`/`done` with the worker's host and pid (logger `pipelines.document.batch`;
    on dask workers `DASK_LOGGING__PIPELINES=info` shows it), so which process extracted
    which document can be read from the workers' side."""
    where = f"{socket.gethostname()} pid {os.getpid()}"
    if version is not None and version != EXTRACTOR_VERSION:
        raise WorkerMismatch(f"worker {where} has extractor {EXTRACTOR_VERSION}, the run "
                             f"{version}: deploy the same gongkai version to every worker")
    log.info("start %s on %s", job.sha256, where)
    data = RawStore(lake).read(job.sha256)
    result = _reader("extract_document")(data, job.media_type)
    ResultStore(lake).put(result)
    log.info("done %s on %s: %s", job.sha256, where, summary(result)["status"])
    return summary(result) | {"worker": where}


@contextmanager
def default_executor(n_jobs: int, workers: int | None = None):
    with local_executor(n_jobs, workers) as (ex, _info):
        yield ex


def extract_all(jobs: list[Job], lake: str, executor: Executor | None = None, *,
                dask_scheduler: str | None = None, progress: Callable[[str], None] | None = None,
                in_flight: int | None = None) -> dict:
    """Extract every job whose result for this extractor version is missing.

    Returns {"extracted": n, "cached": n, "statuses": {status: n}, "not_ok": [summaries of
    the first NOT_OK_KEPT documents that did not read ok], "executor": ExecutorInfo as a dict}.
    Results themselves stay in the lake. A LakeError (the store unreachable) or a
    WorkerMismatch (a worker with other code) stops the run:
    remaining jobs are cancelled and the error raised; any other failure of a job (a worker
    that died more often than the scheduler retries) is recorded as that document's failure.
    """
    store = ResultStore(lake)
    store_version = store.root.name  # extracted/<version>
    unique = {j.sha256: j for j in jobs}
    listed = store.listed()
    todo = [j for sha, j in unique.items() if sha not in listed or not store.has(sha)]
    out = {"extracted": 0, "cached": len(unique) - len(todo), "statuses": {}, "not_ok": [],
           "executor": ExecutorInfo("none", 0, 0).as_dict()}
    if not todo:
        if dask_scheduler:
            out["executor"] = ExecutorInfo("dask", 0, 0, dask_scheduler).as_dict() | {
                "describe": f"dask {dask_scheduler} (not contacted: nothing to extract)"}
        return out
    statuses: Counter = Counter()
    opened = (open_executor(len(todo), dask_scheduler) if executor is None
              else _given(executor))
    with opened as (ex, info):
        out["executor"] = info.as_dict()
        window = in_flight or max(8, 4 * info.threads)
        meter = Progress(len(todo), emit=progress)
        pending: dict = {}
        queue = iter(todo)
        try:
            while True:
                for job in queue:
                    pending[ex.submit(run_job, job, str(lake), store_version)] = job
                    if len(pending) >= window:
                        break
                if not pending:
                    break
                finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for fut in finished:
                    job = pending.pop(fut)
                    try:
                        done = fut.result()
                    except (LakeError, WorkerMismatch):
                        raise
                    except Exception as e:  # a worker that died too often: that document fails
                        result = _reader("failed_result")(
                            job.sha256, job.media_type,
                            f"extraction worker failed: {type(e).__name__}: {e}")
                        store.put(result)
                        done = summary(result)
                    statuses[done["status"]] += 1
                    out["extracted"] += 1
                    if done["status"] != "ok" and len(out["not_ok"]) < NOT_OK_KEPT:
                        out["not_ok"].append(done)
                    meter.update()
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
        finally:
            meter.close()
    out["statuses"] = dict(statuses)
    return out


@contextmanager
def _given(executor: Executor):
    yield executor, ExecutorInfo(type(executor).__name__, getattr(executor, "_max_workers", 1) or 1,
                                 getattr(executor, "_max_workers", 1) or 1)
