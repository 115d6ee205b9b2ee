"""Per-document results on disk: immutable JSON files keyed by extractor version and sha256."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pipelines.document.version import EXTRACTOR_VERSION


class ResultStore:
    def __init__(self, data_dir: Path, version: str = EXTRACTOR_VERSION):
        self.root = Path(data_dir) / "extracted" / version

    def path(self, sha256: str) -> Path:
        return self.root / f"{sha256}.json"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def get(self, sha256: str) -> dict:
        return json.loads(self.path(sha256).read_text(encoding="utf-8"))

    def put(self, result: dict) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.path(result["sha256"])
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False)
        os.replace(tmp, target)
        return target
