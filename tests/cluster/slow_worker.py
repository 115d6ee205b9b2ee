"""A dask worker preload for the cluster tests (`dask worker --preload THIS_FILE`).

With GONGKAI_TEST_EXTRACT_DELAY=<seconds>, every extraction on this worker first sleeps that
long, so that a test can stop a worker or the object store while a run is still extracting.
Only the worker processes are slowed; the extraction code itself is unchanged.
"""

from __future__ import annotations

import os
import time


def dask_setup(worker) -> None:  # called by distributed when the worker starts
    delay = float(os.environ.get("GONGKAI_TEST_EXTRACT_DELAY", "0") or 0)
    if not delay:
        return
    from pipelines.document import batch

    original = batch.extract_document

    def slow(*args, **kwargs):
        time.sleep(delay)
        return original(*args, **kwargs)

    batch.extract_document = slow
