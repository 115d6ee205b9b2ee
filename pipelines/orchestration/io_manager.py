"""The assets' outputs in the lake: `<lake>/assets/<asset>.parquet`, or
`<lake>/assets/<asset>/<county>.parquet` for a county-partitioned asset.

On universal-pathlib (`UPathIOManager`), so the lake root may be a local folder or an fsspec
URL (s3://…). Every file is written whole (`write_atomic`: temp file and rename locally, one
PUT on object storage), so a reader sees the previous output or the new one. A step that covers
several partitions (the single-run backfill of every county) returns `{county: frame}`, and each
county's file is written on its own; a partitioned input is always handed over as
`{county: frame}`, without the partitions never materialised.

A table too large to hold as a frame (the cumulative crawl_log) is returned as a
`ParquetFile` DuckDB wrote, moved into the lake whole; an input that asks for it with
`AssetIn(metadata=RECORD_BATCHES)` is read back as a stream of Arrow record batches.
"""

from __future__ import annotations

import io

import pandas as pd
from dagster import (ConfigurableIOManagerFactory, InputContext, IOManager, MetadataValue,
                     OutputContext, UPathIOManager)
from upath import UPath

from pipelines.core.lake import ParquetFile, lake_path, put_atomic, write_atomic
from pipelines.orchestration.resources import GongkaiSettings, published_db


RECORD_BATCHES = {"gongkai/read_as": "record_batches"}
# DuckDB's row group: the warehouse's insert of crawl_log from batches of this size held
# 230 MiB at 500,000 rows and 273 at 2,000,000, where 64,000-row batches held 305 and 504
# and took 1.4-1.7x as long (tests/benchmarks/crawl_log_bench.py).
BATCH_ROWS = 122_880


class LakeIOManager(UPathIOManager):
    extension = ".parquet"

    def dump_to_path(self, context: OutputContext, obj, path: UPath) -> None:
        if isinstance(obj, ParquetFile):
            put_atomic(obj.path, path)
            return
        if not isinstance(obj, pd.DataFrame):
            raise TypeError(f"{context.asset_key.to_user_string()}: the lake stores DataFrames, "
                            f"got {type(obj).__name__}")
        buf = io.BytesIO()
        obj.to_parquet(buf, index=False)
        write_atomic(path, buf.getvalue())

    def load_from_path(self, context: InputContext, path: UPath):
        if RECORD_BATCHES.items() <= dict(context.definition_metadata or {}).items():
            return _record_batches(path)
        with path.open("rb") as f:
            return pd.read_parquet(f)

    def make_directory(self, path: UPath) -> None:
        pass  # write_atomic makes local folders; object stores have none

    def handle_output(self, context: OutputContext, obj) -> None:
        if obj is None:
            return
        if not (context.has_asset_partitions and len(context.asset_partition_keys) > 1):
            return super().handle_output(context, obj)
        paths = self._get_paths_for_partitions(context)
        if not isinstance(obj, dict) or set(obj) != set(paths):
            raise TypeError(f"{context.asset_key.to_user_string()}: a step over several "
                            "partitions returns {partition: frame} for each of them")
        for key, path in paths.items():
            self.dump_to_path(context, obj[key], path)
        context.add_output_metadata({"path": MetadataValue.path(str(next(iter(paths.values())).parent))})

    def load_input(self, context: InputContext):
        if not (context.has_asset_key and context.has_asset_partitions):
            return super().load_input(context)
        out = {}
        for key, path in self._get_paths_for_partitions(context).items():
            if path.exists():
                out[key] = self.load_from_path(context, path)
            else:  # a county never materialised here: the caller falls back on the warehouse
                context.log.debug(f"no stored partition {key} of {context.asset_key.to_user_string()}")
        return out


def _record_batches(path: UPath):
    """The file as a pyarrow RecordBatchReader: a batch in memory at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = path.open("rb")
    file = pq.ParquetFile(handle)

    def batches():
        try:
            yield from file.iter_batches(batch_size=BATCH_ROWS)
        finally:
            handle.close()

    return pa.RecordBatchReader.from_batches(file.schema_arrow, batches())


class LakeIOManagerFactory(ConfigurableIOManagerFactory):
    """Outputs under `<lake>/assets/` (the lake root of the settings)."""

    gongkai: GongkaiSettings

    def create_io_manager(self, context) -> LakeIOManager:
        _system_allocator()
        return LakeIOManager(base_path=lake_path(self.gongkai.settings().lake) / "assets")


def _system_allocator() -> None:
    """Parquet is read and written through pyarrow's memory pool, whose default allocator
    (jemalloc/mimalloc) keeps freed memory for reuse: in a run's one process that was ~35 MiB
    held from the build on. The system allocator gives it back; frames of this size do not
    notice the difference in speed."""
    import pyarrow as pa

    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())


class PublishedWarehouseIOManager(ConfigurableIOManagerFactory):
    """Loads `published_warehouse`: what earlier runs recorded in the published file
    (reports, agencies, counties, runs), read-only through dagster-duckdb."""

    gongkai: GongkaiSettings

    def create_io_manager(self, context) -> IOManager:
        return _PublishedReader(self.gongkai)


class _PublishedReader(IOManager):
    def __init__(self, gongkai: GongkaiSettings) -> None:
        self.gongkai = gongkai

    def handle_output(self, context: OutputContext, obj) -> None:
        raise NotImplementedError("the published warehouse is written by the `warehouse` asset")

    def load_input(self, context: InputContext) -> dict[str, pd.DataFrame]:
        from pipelines.load.warehouse import read_state

        settings = self.gongkai.settings()
        if not settings.warehouse.exists():
            return {}
        with published_db(settings).get_connection() as con:
            return read_state(con)
