"""write_all reads the warehouse on one connection (data.reading): every read inside shares
it, and they all see one snapshot, even when a run publishes a new warehouse meanwhile."""

from __future__ import annotations

import os
import shutil

import duckdb

from pipelines.report import data


def test_reads_inside_share_one_connection_and_outside_each_opens_its_own(sample_warehouse):
    w = sample_warehouse["warehouse"]
    with data.reading(w):
        with data.connection(w) as a, data.connection(w) as b:
            assert a is b
        with data.connection(w) as again:
            assert again is a  # still open: the session closes it, not the reader
    with data.connection(w) as c, data.connection(w) as d:
        assert c is not d and c is not a


def test_a_warehouse_published_meanwhile_is_not_read_half_way(sample_warehouse, tmp_path):
    w = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_warehouse["warehouse"], w)
    before = data.counties(w)
    newer = tmp_path / "newer.duckdb"
    shutil.copy(w, newer)
    con = duckdb.connect(str(newer))
    con.execute("UPDATE reports SET is_current = false")
    con.close()
    with data.reading(w):
        first = data.counties(w)
        os.replace(newer, w)  # what a publish does
        assert data.counties(w).equals(first)
    assert len(before) and data.counties(w).empty
