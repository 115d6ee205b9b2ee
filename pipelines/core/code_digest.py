"""A digest of source files: the version of the code a result is made by (the extractor's,
the build's, the reviewer's report's). A changed file, a file added or taken out: a new
digest."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable


def files_digest(paths: Iterable[Path], seed: str = "") -> str:
    """sha256 hex of `seed` and each existing file's name and bytes, in the order given."""
    h = hashlib.sha256(seed.encode())
    for path in paths:
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()
