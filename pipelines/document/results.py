"""Per-document results in the lake: immutable JSON files keyed by extractor version and sha256.

Written and read only through the typed serialiser of pipelines.core.models (`dump_result`,
`load_result`). A file of an older schema version is treated as missing: `has` says no, `get`
gives None, and the document is extracted again; it is never mis-read. A file of this schema
that does not load (cut short or altered after it was written, which `has` cannot see from its
first bytes) is damaged: `read` says so, and the build removes it (`discard`), so that the next
run extracts the document again instead of every run after missing its facts.
"""

from __future__ import annotations

import os

from pipelines.core.lake import lake_io, lake_path, write_atomic
from pipelines.core.models import (RESULT_SCHEMA_VERSION, ExtractionResult, dump_result,
                                   load_result, schema_version_of)
from pipelines.document.version import EXTRACTOR_VERSION


class DamagedResult(ValueError):
    """A cached result of this schema version that does not load."""


class ResultStore:
    """extracted/<version>/<sha256>.json under the lake root (a local folder or a URL)."""

    def __init__(self, lake: str | os.PathLike, version: str = EXTRACTOR_VERSION):
        self.root = lake_path(lake) / "extracted" / version

    def path(self, sha256: str):
        return self.root / f"{sha256}.json"

    def has(self, sha256: str) -> bool:
        """A result of the current schema exists (reads only the file's first bytes). A store
        that fails (not a missing file) raises LakeError."""
        try:
            with lake_io("look up", self.path(sha256)):
                with self.path(sha256).open("rb") as f:
                    head = f.read(64)
        except FileNotFoundError:
            return False
        try:
            return schema_version_of(head) == RESULT_SCHEMA_VERSION
        except ValueError:
            return False

    def listed(self) -> set[str]:
        """The sha256 of every file of this version: one listing, not one request each (a
        backfill's million missing results need no request at all). A listed file may still
        be of an older schema: `has` decides for those."""
        with lake_io("list", self.root):
            try:
                names = [p.name for p in self.root.iterdir()]
            except (FileNotFoundError, NotADirectoryError):  # no result of this version yet
                return set()
        return {n[:-5] for n in names if n.endswith(".json") and not n.startswith(".")}

    def get(self, sha256: str) -> ExtractionResult | None:
        """The cached result; None when there is none of the current schema (or it is
        damaged: see `read`)."""
        try:
            return self.read(sha256)
        except DamagedResult:
            return None

    def read(self, sha256: str) -> ExtractionResult | None:
        """The cached result; None when there is none of the current schema. DamagedResult
        when the file declares this schema and does not load."""
        try:
            with lake_io("read", self.path(sha256)):
                data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            return None
        if schema_version_of(data[:64]) != RESULT_SCHEMA_VERSION:
            return None
        result = load_result(data)
        if result is None:
            raise DamagedResult(f"{self.path(sha256)} ({len(data):,} bytes) does not load: "
                                "cut short or altered")
        return result

    def discard(self, sha256: str) -> None:
        """Remove the result (a damaged one): the next extraction reads the document again."""
        with lake_io("remove", self.path(sha256)):
            self.path(sha256).unlink(missing_ok=True)

    def put(self, result: ExtractionResult):
        target = self.path(result.sha256)
        data = dump_result(result)
        with lake_io("write", target):
            write_atomic(target, data)
        return target
