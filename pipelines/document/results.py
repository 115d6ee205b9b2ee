"""Per-document results in the lake: immutable JSON files keyed by extractor version and sha256.

Written and read only through the typed serialiser of pipelines.core.models (`dump_result`,
`load_result`). A file of an older schema version is treated as missing: `has` says no, `get`
gives None, and the document is extracted again; it is never mis-read.
"""

from __future__ import annotations

import os

from pipelines.core.lake import lake_path, write_atomic
from pipelines.core.models import (RESULT_SCHEMA_VERSION, ExtractionResult, dump_result,
                                   load_result, schema_version_of)
from pipelines.document.version import EXTRACTOR_VERSION


class ResultStore:
    """extracted/<version>/<sha256>.json under the lake root (a local folder or a URL)."""

    def __init__(self, lake: str | os.PathLike, version: str = EXTRACTOR_VERSION):
        self.root = lake_path(lake) / "extracted" / version

    def path(self, sha256: str):
        return self.root / f"{sha256}.json"

    def has(self, sha256: str) -> bool:
        """A result of the current schema exists (reads only the file's first bytes)."""
        try:
            with self.path(sha256).open("rb") as f:
                return schema_version_of(f.read(64)) == RESULT_SCHEMA_VERSION
        except (OSError, ValueError):
            return False

    def get(self, sha256: str) -> ExtractionResult | None:
        """The cached result; None when there is none of the current schema."""
        try:
            data = self.path(sha256).read_bytes()
        except (OSError, ValueError):
            return None
        return load_result(data)

    def put(self, result: ExtractionResult):
        target = self.path(result.sha256)
        write_atomic(target, dump_result(result))
        return target
