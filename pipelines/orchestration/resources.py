"""Resources: the settings (from the contract's environment variables, through `EnvVar`), the
run lock every asset holds, and read-only access to the published warehouse (DuckDB)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from dagster import ConfigurableResource, EnvVar, Failure, InitResourceContext

from pipelines.core.settings import Settings
from pipelines.orchestration.lock import RunLocked, run_lock

# field → the contract's environment variable
ENV = {"sources_file": "GONGKAI_SOURCES", "data_dir": "GONGKAI_DATA_DIR",
       "warehouse": "GONGKAI_WAREHOUSE", "lake": "GONGKAI_LAKE",
       "dask_scheduler": "GONGKAI_DASK_SCHEDULER", "corrections": "GONGKAI_CORRECTIONS"}


class GongkaiSettings(ConfigurableResource):
    """Sources file, data dir, warehouse and lake. Unset fields take the contract's defaults
    (`data/sources.toml`, `data/`, `<data-dir>/warehouse.duckdb`, `<data-dir>/lake`)."""

    sources_file: Optional[str] = None
    data_dir: Optional[str] = None
    warehouse: Optional[str] = None
    lake: Optional[str] = None
    dask_scheduler: Optional[str] = None  # GONGKAI_DASK_SCHEDULER: extract on this dask cluster
    corrections: Optional[str] = None  # GONGKAI_CORRECTIONS: the reviewer's corrections CSV

    @classmethod
    def from_env(cls) -> "GongkaiSettings":
        """Each contract variable that is set, as an `EnvVar` (resolved by Dagster when a run
        starts, shown as such in the UI); the others default."""
        return cls(**{field: EnvVar(var) for field, var in ENV.items() if os.environ.get(var)})

    @classmethod
    def of(cls, settings: Settings) -> "GongkaiSettings":
        """Explicit values (`gongkai run` passes its resolved options this way)."""
        return cls(sources_file=str(settings.sources_file), data_dir=str(settings.data_dir),
                   warehouse=str(settings.warehouse), lake=settings.lake,
                   dask_scheduler=settings.dask_scheduler or None,
                   corrections=str(settings.corrections) if settings.corrections else None)

    def settings(self) -> Settings:
        return Settings.resolve(self.sources_file, self.warehouse, self.data_dir, self.lake or None,
                                dask_scheduler=self.dask_scheduler or None,
                                corrections=self.corrections or None)


class RunLock(ConfigurableResource):
    """Held for the whole run by every asset: one run per data dir, whoever launched it (the
    CLI, the schedule, the UI). A run that finds it taken fails at once, saying by whom."""

    gongkai: GongkaiSettings

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext):
        data_dir = self.gongkai.settings().data_dir
        try:
            lock = run_lock(data_dir)
            lock.__enter__()
        except RunLocked as e:
            # In the run's event log as its own line, and as the failure's cause.
            context.log.error(f"gongkai: refused: {e}")
            raise Failure(description=f"gongkai: {e}") from None
        try:
            yield self
        finally:
            lock.__exit__(None, None, None)


def published_db(settings: Settings):
    """The published warehouse through dagster-duckdb's resource, read-only (a reader among
    the analysts: it never blocks them and never writes)."""
    from dagster_duckdb import DuckDBResource

    return DuckDBResource(database=str(settings.warehouse),
                          connection_config={"access_mode": "READ_ONLY"})


def file_version(path: Path) -> str:
    """The identity of a published file: a publish is a rename, so a new inode."""
    try:
        st = Path(path).stat()
    except OSError:
        return "absent"
    return f"{st.st_ino}-{st.st_size}-{st.st_mtime_ns}"
