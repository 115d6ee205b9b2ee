"""One run per data dir at a time: a `flock` on `<data-dir>/.gongkai.lock`.

Every way of launching a run takes it (the `run_lock` resource every asset requires, and
`gongkai run` before it starts Dagster); a second run refuses at once with a clear message.
The lock is re-entrant within one process, so `gongkai run`, which takes it first, does not
refuse its own in-process Dagster run.
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".gongkai.lock"
_held: dict[str, list] = {}  # lock path → [open file, depth], in this process
_guard = threading.Lock()


class RunLocked(RuntimeError):
    """Another run holds the data dir's lock."""


def lock_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / LOCK_NAME


def refusal(data_dir: Path | str) -> str:
    return (f"another run is using {data_dir} (lock {lock_path(data_dir)}); "
            "try again when it has finished")


@contextmanager
def run_lock(data_dir: Path | str):
    """Hold the data dir's run lock for the block; raise RunLocked at once if it is taken."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    key = str(lock_path(data_dir).resolve())
    with _guard:
        entry = _held.get(key)
        if entry is None:
            f = open(key, "a+")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.close()
                raise RunLocked(refusal(data_dir)) from None
            f.seek(0)
            f.truncate()
            f.write(str(os.getpid()))
            f.flush()
            entry = _held[key] = [f, 0]
        entry[1] += 1
    try:
        yield
    finally:
        with _guard:
            entry[1] -= 1
            if entry[1] == 0:
                del _held[key]
                entry[0].close()  # closing the file releases the flock
