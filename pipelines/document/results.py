"""Per-document results on disk: immutable JSON files keyed by extractor version and sha256.

Written and read only through the typed serialiser of pipelines.core.models (`dump_result`,
`load_result`). A file of an older schema version is treated as missing: `has` says no, `get`
gives None, and the document is extracted again; it is never mis-read.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipelines.core.models import (RESULT_SCHEMA_VERSION, ExtractionResult, dump_result,
                                   load_result, schema_version_of)
from pipelines.document.version import EXTRACTOR_VERSION


class ResultStore:
    def __init__(self, data_dir: Path, version: str = EXTRACTOR_VERSION):
        self.root = Path(data_dir) / "extracted" / version

    def path(self, sha256: str) -> Path:
        return self.root / f"{sha256}.json"

    def has(self, sha256: str) -> bool:
        """A result of the current schema exists (reads only the file's first bytes)."""
        try:
            with open(self.path(sha256), "rb") as f:
                return schema_version_of(f.read(64)) == RESULT_SCHEMA_VERSION
        except OSError:
            return False

    def get(self, sha256: str) -> ExtractionResult | None:
        """The cached result; None when there is none of the current schema."""
        try:
            data = self.path(sha256).read_bytes()
        except OSError:
            return None
        return load_result(data)

    def put(self, result: ExtractionResult) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.path(result.sha256)
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(dump_result(result))
        os.replace(tmp, target)
        return target
