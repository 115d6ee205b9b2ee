"""Per-document results in the lake: immutable JSON files keyed by extractor version and sha256."""

from __future__ import annotations

import json
import os

from pipelines.core.lake import lake_path, write_atomic
from pipelines.document.version import EXTRACTOR_VERSION


class ResultStore:
    """extracted/<version>/<sha256>.json under the lake root (a local folder or a URL)."""

    def __init__(self, lake: str | os.PathLike, version: str = EXTRACTOR_VERSION):
        self.root = lake_path(lake) / "extracted" / version

    def path(self, sha256: str):
        return self.root / f"{sha256}.json"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def get(self, sha256: str) -> dict:
        return json.loads(self.path(sha256).read_text(encoding="utf-8"))

    def put(self, result: dict):
        target = self.path(result["sha256"])
        write_atomic(target, json.dumps(result, ensure_ascii=False).encode("utf-8"))
        return target
