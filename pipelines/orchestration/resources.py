"""Settings reach Dagster as a resource built from the contract's environment variables."""

from __future__ import annotations

from dagster import ConfigurableResource

from pipelines.core.settings import Settings


class GongkaiSettings(ConfigurableResource):
    """Sources file, data dir and warehouse path (GONGKAI_SOURCES / _DATA_DIR / _WAREHOUSE)."""

    sources_file: str
    data_dir: str
    warehouse: str
    lake: str = ""
    dask_scheduler: str = ""  # GONGKAI_DASK_SCHEDULER: extract on this dask cluster

    @classmethod
    def from_env(cls) -> "GongkaiSettings":
        s = Settings.resolve()
        return cls(sources_file=str(s.sources_file), data_dir=str(s.data_dir),
                   warehouse=str(s.warehouse), lake=s.lake,
                   dask_scheduler=s.dask_scheduler)

    def settings(self) -> Settings:
        return Settings.resolve(self.sources_file, self.warehouse, self.data_dir, self.lake or None,
                                 self.dask_scheduler or None)
