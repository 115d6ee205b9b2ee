"""Content-addressed store of fetched bytes: raw/<sha[:2]>/<sha>.

Content addressing makes a document linked twice one file, and lets a 304 or an unchanged
list entry reuse what an earlier run fetched.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class RawStore:
    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "raw"

    @staticmethod
    def sha256(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha

    def relpath(self, sha: str) -> str:
        """The path relative to the data dir, with forward slashes (stored in metadata)."""
        return f"raw/{sha[:2]}/{sha}"

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def read(self, sha: str) -> bytes:
        return self.path(sha).read_bytes()

    def put(self, content: bytes) -> str:
        sha = self.sha256(content)
        target = self.path(sha)
        if target.is_file():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        # Temp file in the same folder + os.replace: a reader never sees a half-written file,
        # and two writers of the same content both end with the same complete file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{sha[:8]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha
