"""Per-document results in the lake: immutable JSON files keyed by extractor version and sha256."""

from __future__ import annotations

import json
import os

from pipelines.core.lake import lake_io, lake_path, write_atomic
from pipelines.document.version import EXTRACTOR_VERSION


class ResultStore:
    """extracted/<version>/<sha256>.json under the lake root (a local folder or a URL)."""

    def __init__(self, lake: str | os.PathLike, version: str = EXTRACTOR_VERSION):
        self.root = lake_path(lake) / "extracted" / version

    def path(self, sha256: str):
        return self.root / f"{sha256}.json"

    def has(self, sha256: str) -> bool:
        with lake_io("look up", self.path(sha256)):
            return self.path(sha256).is_file()

    def existing(self) -> set[str]:
        """The sha256 of every result of this version: one listing, not one request each
        (a million HEAD requests to an object store would take hours)."""
        with lake_io("list", self.root):
            try:
                names = [p.name for p in self.root.iterdir()]
            except (FileNotFoundError, NotADirectoryError):  # no result of this version yet
                return set()
        return {n[:-5] for n in names if n.endswith(".json") and not n.startswith(".")}

    def get(self, sha256: str) -> dict:
        with lake_io("read", self.path(sha256)):
            data = self.path(sha256).read_text(encoding="utf-8")
        return json.loads(data)

    def put(self, result: dict):
        target = self.path(result["sha256"])
        data = json.dumps(result, ensure_ascii=False).encode("utf-8")
        with lake_io("write", target):
            write_atomic(target, data)
        return target
