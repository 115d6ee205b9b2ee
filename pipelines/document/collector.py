"""Cyclic garbage collection paused while a PDF's text layer and tables are read.

Reading one PDF allocates tens of thousands of container objects that live until its tables
are read (the glyphs of its table pages, camelot's layout objects for every line of the
ruling) and next to none in cycles. The young collections they set off promote them, and each
time some 25,000 have been promoted the collector walks the whole heap again (camelot,
pandas and numpy as imported) to free next to nothing: four full collections over the
corpus, about 0.3 s. Paused for one document, the collector frees that document's few cycles
at its first collection after it, as ever.
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
