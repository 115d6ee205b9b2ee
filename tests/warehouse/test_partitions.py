"""County partitions: a backfill of one county re-crawls and re-extracts only that county."""

from __future__ import annotations

import os
import shutil

import pytest
from dagster import AssetKey, DagsterInstance

from tests.conftest import SAMPLE

PARTITIONED = {"report_index", "raw_documents", "crawl_sources", "extracted_documents"}


@pytest.fixture()
def two_counties(tmp_path, sample_portal_url, monkeypatch):
    """A sources file of two counties (both on the sample portal) and fresh definitions."""
    shutil.copytree(SAMPLE / "portal", tmp_path / "portal_b")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\ncounty = "青山县"\nstart_urls = ["{sample_portal_url}index.html"]\n'
        'min_interval_seconds = 0\n\n'
        '[[source]]\ncounty = "白河县"\nstart_urls = ["file:portal_b/index.html"]\n',
        encoding="utf-8")
    monkeypatch.setenv("GONGKAI_SOURCES", str(sources))
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GONGKAI_WAREHOUSE", raising=False)
    import importlib

    import assets.crawl.assets
    import assets.extract.assets
    import pipelines.orchestration.definitions
    import pipelines.orchestration.partitions
    import pipelines.orchestration.schedules

    modules = [pipelines.orchestration.partitions, assets.crawl.assets, assets.extract.assets,
               pipelines.orchestration.schedules, pipelines.orchestration.definitions]
    for m in modules:
        importlib.reload(m)
    yield tmp_path, pipelines.orchestration.definitions.defs
    monkeypatch.undo()
    for m in modules:  # leave the definitions as the other tests know them
        importlib.reload(m)


def test_crawl_and_extract_are_partitioned_by_county(two_counties):
    _, defs = two_counties
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        pdef = graph.get(key).partitions_def
        if key.to_user_string() in PARTITIONED:
            assert pdef.get_partition_keys() == ["青山县", "白河县"]
        else:
            assert pdef is None, key


def test_a_backfill_of_one_county_touches_only_that_county(two_counties):
    tmp, defs = two_counties
    job = defs.resolve_job_def("nightly")
    instance = DagsterInstance.ephemeral()
    keys = [AssetKey(k) for k in sorted(PARTITIONED)]
    both = job.execute_in_process(instance=instance, asset_selection=keys, tags={
        "dagster/asset_partition_range_start": "青山县",
        "dagster/asset_partition_range_end": "白河县"})
    assert both.success
    stored = tmp / "data" / "lake" / "assets"  # the IO manager's files: <asset>/<county>.parquet
    before = {p: p.stat().st_mtime_ns for p in stored.rglob("*.parquet")}
    assert {p.parent.name for p in before} == PARTITIONED
    assert {p.stem for p in before} == {"青山县", "白河县"}

    one = job.execute_in_process(instance=instance, asset_selection=keys, partition_key="白河县")
    assert one.success
    after = {p: p.stat().st_mtime_ns for p in stored.rglob("*.parquet")}
    changed = {p for p in after if after[p] != before.get(p)}
    assert {p.stem for p in changed} == {"白河县"}
    assert {p.parent.name for p in changed} == PARTITIONED
    materialized = instance.get_materialized_partitions(AssetKey("extracted_documents"))
    assert materialized == {"青山县", "白河县"}
