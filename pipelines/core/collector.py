"""Cyclic garbage collection paused for a block that allocates many long-lived objects and
next to no cycles: the young collections it sets off promote them, and each time some 25,000
have been promoted the collector walks the whole heap again to free next to nothing.

Used while `gongkai run` imports Dagster and the engine and builds the job (~270,000 objects
meant to live as long as the process: three or four full collections, ~0.5 s), and while a
PDF's text layer and tables are read (its glyphs and camelot's layout objects: four full
collections over the corpus, ~0.3 s). After the block, the collector frees the block's few
cycles at its first collection, as ever.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_active = 0  # documents read with collection paused now (a worker may run several threads)
_resume = False  # whether collection was on when the first of them began


@contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic collection inside the block; the collector's state as before after it
    (a caller that had turned it off keeps it off). Blocks may overlap across threads: it
    resumes when the last one ends."""
    global _active, _resume
    with _lock:
        if _active == 0:
            _resume = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _resume:
                gc.enable()
