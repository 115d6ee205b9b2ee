"""The lake IO manager: frames as Parquet under <lake>/assets/, a file per county partition,
written whole; on a local folder and on an fsspec URL (memory://, as s3:// would be)."""

from __future__ import annotations

import pandas as pd
import pytest
from dagster import (AssetKey, PartitionKeyRange, StaticPartitionsDefinition,
                     build_input_context, build_output_context)

from pipelines.core.lake import lake_path
from pipelines.orchestration.io_manager import LakeIOManager

COUNTIES = StaticPartitionsDefinition(["甲县", "乙县"])


@pytest.fixture(params=["local", "memory"])
def manager(request, tmp_path):
    root = str(tmp_path / "lake") if request.param == "local" else f"memory://{tmp_path.name}/lake"
    return LakeIOManager(base_path=lake_path(root) / "assets")


def test_an_unpartitioned_frame_round_trips(manager):
    frame = pd.DataFrame({"report_id": ["a", "b"], "value": [1.0, None], "raw_text": ["1", ""]})
    manager.handle_output(build_output_context(asset_key=AssetKey("fact_x")), frame)
    assert (manager._base_path / "fact_x.parquet").exists()
    back = manager.load_input(build_input_context(asset_key=AssetKey("fact_x")))
    pd.testing.assert_frame_equal(back, frame)


def test_each_county_is_a_file_and_downstream_reads_them_all(manager):
    frames = {"甲县": pd.DataFrame({"x": [1]}), "乙县": pd.DataFrame({"x": [2, 3]})}
    # Dagster's test contexts take one partition key; write each as a run over one county
    # would, then read both back as an unpartitioned asset downstream does.
    for county, frame in frames.items():
        ctx = build_output_context(asset_key=AssetKey("raw_documents"), partition_key=county,
                                   asset_partitions_def=COUNTIES)
        manager.handle_output(ctx, frame)
    files = sorted(p.name for p in (manager._base_path / "raw_documents").iterdir())
    assert files == ["乙县.parquet", "甲县.parquet"]
    both = manager.load_input(build_input_context(
        asset_key=AssetKey("raw_documents"), asset_partitions_def=COUNTIES,
        asset_partition_key_range=PartitionKeyRange("甲县", "乙县")))
    assert set(both) == {"甲县", "乙县"}
    assert list(both["乙县"]["x"]) == [2, 3]


def test_a_county_never_materialised_is_left_out(manager):
    ctx = build_output_context(asset_key=AssetKey("extracted_documents"), partition_key="甲县",
                               asset_partitions_def=COUNTIES)
    manager.handle_output(ctx, pd.DataFrame({"x": [1]}))
    got = manager.load_input(build_input_context(
        asset_key=AssetKey("extracted_documents"), asset_partitions_def=COUNTIES,
        asset_partition_key_range=PartitionKeyRange("甲县", "乙县")))
    assert set(got) == {"甲县"}


def test_only_frames_are_stored(manager):
    with pytest.raises(TypeError):
        manager.handle_output(build_output_context(asset_key=AssetKey("x")), {"a": 1})


def test_a_parquet_file_is_moved_in_whole_and_read_back_in_batches(manager, tmp_path, monkeypatch):
    """crawl_log's path: DuckDB writes a local Parquet file, the lake takes the file as it is,
    and the warehouse reads it back a batch at a time (never the whole table in a frame)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipelines.core.lake import ParquetFile
    from pipelines.orchestration import io_manager

    local = tmp_path / "made.parquet"
    pq.write_table(pa.table({"url": [f"u{i}" for i in range(5)], "status": [200] * 5}), local)
    manager.handle_output(build_output_context(asset_key=AssetKey("crawl_log")),
                          ParquetFile(local, 5))
    assert not local.exists()  # moved, not copied beside
    assert not [p for p in manager._base_path.iterdir() if p.name.endswith(".tmp")]

    monkeypatch.setattr(io_manager, "BATCH_ROWS", 2)
    reader = manager.load_input(build_input_context(asset_key=AssetKey("crawl_log"),
                                                    definition_metadata=io_manager.RECORD_BATCHES))
    assert isinstance(reader, pa.RecordBatchReader)
    batches = list(reader)
    assert [b.num_rows for b in batches] == [2, 2, 1]
    assert pa.Table.from_batches(batches).column("url").to_pylist() == [f"u{i}" for i in range(5)]
    # Without the metadata an input is a frame, as every other asset's.
    frame = manager.load_input(build_input_context(asset_key=AssetKey("crawl_log")))
    assert list(frame["status"]) == [200] * 5


def test_a_file_from_another_filesystem_is_copied_beside_the_target_then_renamed(tmp_path,
                                                                               monkeypatch):
    import errno
    import os

    from pipelines.core import lake

    local, target = tmp_path / "made.parquet", tmp_path / "lake" / "crawl_log.parquet"
    local.write_bytes(b"new")
    target.parent.mkdir()
    target.write_bytes(b"old")
    rename = os.replace

    def across(src, dst):
        if str(src) == str(local):  # as a rename from another filesystem fails
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return rename(src, dst)

    monkeypatch.setattr(lake.os, "replace", across)
    monkeypatch.setattr(lake.shutil, "copyfile", lambda a, b: (_ for _ in ()).throw(OSError("full")))
    with pytest.raises(OSError, match="full"):
        lake.put_atomic(local, lake_path(str(target)))
    assert target.read_bytes() == b"old" and local.exists()  # nothing half done
    assert sorted(p.name for p in target.parent.iterdir()) == ["crawl_log.parquet"]
    monkeypatch.undo()
    monkeypatch.setattr(lake.os, "replace", across)
    lake.put_atomic(local, lake_path(str(target)))
    assert target.read_bytes() == b"new" and not local.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["crawl_log.parquet"]
