"""An `Executor` that runs each job at once, in the calling thread: where a pool would cost
more than the work (a handful of documents, one report) or a profiler must see everything."""

from __future__ import annotations

from concurrent.futures import Executor, Future


class InlineExecutor(Executor):
    """Runs each job in this process, at submit; its result or exception is in the future."""

    def submit(self, fn, /, *args, **kwargs):
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - handed to the caller through the future
            f.set_exception(e)
        return f
