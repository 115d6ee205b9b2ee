"""The Parquet export beside the published warehouse: complete, partitioned by year, swapped
atomically (a symlink replaced by rename), old versions tidied."""

from __future__ import annotations

import json
import os

import duckdb
import pandas as pd

from pipelines.load import export


def test_sample_run_exports_every_table_partitioned_by_year(sample_warehouse):
    link = sample_warehouse["data_dir"] / "exports"
    assert link.is_symlink() and link.is_dir()
    assert export.exports_path(sample_warehouse["warehouse"]) == link
    manifest = json.loads((link / "MANIFEST.json").read_text())
    con = duckdb.connect(str(sample_warehouse["warehouse"]), read_only=True)
    try:
        for table in export.PARTITIONED + export.SINGLE:
            n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert manifest["tables"][table] == n, table
            if table in export.PARTITIONED and n:
                years = {p.name for p in (link / table).iterdir()}
                want = {f"report_year={y}" for (y,) in con.execute(
                    f"SELECT DISTINCT report_year FROM {table} WHERE report_year IS NOT NULL")
                    .fetchall()}
                assert years == want, table
                assert len(pd.read_parquet(link / table)) == n, table
            elif table in export.SINGLE:
                assert len(pd.read_parquet(link / f"{table}.parquet")) == n, table
        facts = pd.read_parquet(link / "fact_applications")
        want = con.execute("SELECT sum(value) FROM fact_applications").fetchone()[0]
        assert facts["value"].sum() == want
        assert manifest["run_id"] == con.execute(
            "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def test_swap_is_one_rename_and_keeps_the_previous_version(sample_warehouse, tmp_path):
    link = tmp_path / "exports"
    seen = []
    for _ in range(3):
        version = export.build(sample_warehouse["warehouse"], link)
        assert not link.exists() or os.readlink(link) != version.name  # not visible yet
        export.publish(version, link)
        assert os.readlink(link) == version.name  # relative target: the folder can move
        seen.append(version.name)
    left = sorted(p.name for p in tmp_path.glob("exports.v*"))
    assert seen[0] not in left and seen[1:] == left[-2:]
    assert not list(tmp_path.glob(".exports.link-*"))
