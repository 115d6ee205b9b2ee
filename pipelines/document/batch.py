"""Fan-out of per-document extraction through one small compute interface.

Any `concurrent.futures.Executor` will do: a local process pool by default, a distributed
engine's executor (dask's `Client.get_executor()`) later. Workers read the raw bytes
themselves and write their result file, so only paths and small summaries cross processes.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from pipelines.core.lake import RawStore
from pipelines.document.document import extract_document, failed_result
from pipelines.document.results import ResultStore


@dataclass(frozen=True)
class Job:
    sha256: str  # the document, in the lake's raw store
    media_type: str | None


def summary(result: dict) -> dict:
    return {k: result[k] for k in ("sha256", "status", "error", "format", "pages",
                                   "report_id", "timings")} | {
        "facts": len(result["facts"]), "unmapped": len(result["unmapped"])}


def run_job(job: Job, lake: str) -> dict:
    """On a worker: read the document from the lake, extract it, write its result there."""
    data = RawStore(lake).read(job.sha256)
    result = extract_document(data, job.media_type)
    ResultStore(lake).put(result)
    return summary(result)


class InlineExecutor(Executor):
    """Runs each job in this process: cheapest for a handful of documents."""

    def submit(self, fn, /, *args, **kwargs):
        from concurrent.futures import Future

        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - handed to the caller through the future
            f.set_exception(e)
        return f


@contextmanager
def default_executor(n_jobs: int, workers: int | None = None):
    workers = workers or int(os.environ.get("GONGKAI_WORKERS", 0)) or os.cpu_count() or 1
    if n_jobs < 4 or workers == 1:
        yield InlineExecutor()
        return
    # forkserver: workers start from a clean interpreter with the extractor preloaded, not
    # from a fork of a process that runs Dagster's threads.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pipelines.document.document", "camelot"])
    with ProcessPoolExecutor(max_workers=min(workers, n_jobs), mp_context=ctx) as pool:
        yield pool


def extract_all(jobs: list[Job], lake: str, executor: Executor | None = None) -> dict:
    """Extract every job whose result for this extractor version is missing.

    Returns {"extracted": [summaries], "cached": n}. Results are read back from the store.
    """
    store = ResultStore(lake)
    todo = [j for j in {j.sha256: j for j in jobs}.values() if not store.has(j.sha256)]
    out = {"extracted": [], "cached": len({j.sha256 for j in jobs}) - len(todo)}
    if not todo:
        return out
    with (default_executor(len(todo)) if executor is None else _given(executor)) as ex:
        futures = [ex.submit(run_job, j, str(lake)) for j in todo]
        for job, fut in zip(todo, futures):
            try:
                out["extracted"].append(fut.result())
            except Exception as e:  # a worker that died: recorded as that document's failure
                result = failed_result(job.sha256, job.media_type,
                                       f"extraction worker failed: {type(e).__name__}: {e}")
                store.put(result)
                out["extracted"].append(summary(result))
    return out


@contextmanager
def _given(executor: Executor):
    yield executor
