"""Where a run reads and writes: options beat environment variables beat defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO / "data"
DEFAULT_SOURCES = REPO / "data" / "sources.toml"


@dataclass(frozen=True)
class Settings:
    sources_file: Path
    data_dir: Path
    warehouse: Path
    # Raw documents and per-document results: a folder or an fsspec URL (s3://bucket/prefix).
    lake: str = ""
    # Extract on this dask.distributed scheduler (tcp://host:8786) instead of the local
    # process pool; empty: the local pool.
    dask_scheduler: str = ""
    corrections: Path | None = None  # the reviewer's corrections file (None: <data-dir>/corrections.csv)

    def __post_init__(self) -> None:
        if not self.lake:
            object.__setattr__(self, "lake", str(self.data_dir / "lake"))

    @property
    def corrections_file(self) -> Path:
        return self.corrections or self.data_dir / "corrections.csv"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"

    @classmethod
    def resolve(cls, sources: str | None = None, warehouse: str | None = None,
                data_dir: str | None = None, lake: str | None = None,
                dask_scheduler: str | None = None,
                corrections: str | None = None) -> "Settings":
        env = os.environ
        data = Path(data_dir or env.get("GONGKAI_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
        src = Path(sources or env.get("GONGKAI_SOURCES") or DEFAULT_SOURCES).resolve()
        wh = Path(warehouse or env.get("GONGKAI_WAREHOUSE") or data / "warehouse.duckdb").resolve()
        lake = lake or env.get("GONGKAI_LAKE") or ""
        if lake and "://" not in lake:
            lake = str(Path(lake).resolve())
        scheduler = dask_scheduler or env.get("GONGKAI_DASK_SCHEDULER") or ""
        corr = corrections or env.get("GONGKAI_CORRECTIONS")
        return cls(src, data, wh, lake, dask_scheduler=scheduler,
                   corrections=Path(corr).resolve() if corr else None)

    def as_env(self) -> dict[str, str]:
        env = {"GONGKAI_SOURCES": str(self.sources_file), "GONGKAI_DATA_DIR": str(self.data_dir),
               "GONGKAI_WAREHOUSE": str(self.warehouse), "GONGKAI_LAKE": self.lake,
               "GONGKAI_DASK_SCHEDULER": self.dask_scheduler}
        if self.corrections is not None:  # else the default follows the data dir
            env["GONGKAI_CORRECTIONS"] = str(self.corrections)
        return env
