"""The warehouse's crawl_log, made by DuckDB from crawl/log.jsonl (never through pandas: the log
grows every night): every line a row, typed as sql/schema.sql says, the same rows whether the
warehouse is given a frame or the Parquet file read back in batches."""

from __future__ import annotations

import datetime as dt
import json
import os

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines.load import crawl_log, warehouse
from pipelines.load.ddl import schema_sql

NOW = {"url": "http://x.gov.cn/col/1/", "status": 200, "etag": '"e1"', "sha256": "a" * 64,
       "last_modified": "Sun, 29 Nov 2026 05:35:49 GMT", "fetched_at": "2026-11-29T05:35:53Z",
       "error": None, "bytes": 6968, "elapsed_ms": 2, "county": "松岭县", "stage": "list",
       "content_type": "text/html", "note": None, "pattern": "hanweb", "method": "POST"}
# A line an earlier version wrote: no pattern or method yet; a key the table does not have.
OLDER = {"url": "http://x.gov.cn/a.pdf", "status": None, "error": "timed out",
         "fetched_at": "2026-11-29T13:00:00+08:00", "county": "松岭县", "stage": "attachment",
         "retired_field": 1}


def _log(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _rows(parquet) -> list[dict]:
    return pq.read_table(parquet).to_pylist()


def test_every_line_is_a_row_with_the_tables_columns(tmp_path):
    made = crawl_log.to_parquet(_log(tmp_path / "log.jsonl", [NOW, OLDER]), tmp_path / "out.parquet")
    assert made.rows == 2
    assert pq.read_schema(made.path).names == list(crawl_log.columns())
    now, older = _rows(made.path)
    assert now["status"] == 200 and now["method"] == "POST" and now["elapsed_ms"] == 2.0
    assert now["last_modified"] == "Sun, 29 Nov 2026 05:35:49 GMT"  # a header's text, kept
    assert now["fetched_at"] == dt.datetime(2026, 11, 29, 5, 35, 53)
    # UTC whatever offset the line was written with; the columns it did not have are NULL
    assert older["fetched_at"] == dt.datetime(2026, 11, 29, 5, 0, 0)
    assert older["status"] is None and older["pattern"] is None and older["method"] is None
    assert older["error"] == "timed out"


@pytest.mark.parametrize("text", [None, ""])
def test_no_log_or_an_empty_one_is_a_table_of_no_rows(tmp_path, text):
    log = tmp_path / "log.jsonl"
    if text is not None:
        log.write_text(text)
    made = crawl_log.to_parquet(log, tmp_path / "out.parquet")
    assert made.rows == 0
    assert pq.read_schema(made.path).names == list(crawl_log.columns())


def test_lines_that_are_not_requests_are_left_out_and_named(tmp_path):
    """A crawl killed mid-write leaves a torn line (the next crawl starts a line after it): the
    build takes every request and says which lines it left out, instead of failing every
    night from then on."""
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps(NOW) + '\n{"url": "http://x.gov.cn/b", "sta\n'
                   + json.dumps(OLDER) + "\n{}\n\n" + '{"url": "http://x.gov.cn/c", "st',
                   encoding="utf-8")
    made = crawl_log.to_parquet(log, tmp_path / "out.parquet")
    assert made.rows == 2
    assert [r["url"] for r in _rows(made.path)] == [NOW["url"], OLDER["url"]]
    assert _rows(made.path)[0]["status"] == 200 and _rows(made.path)[1]["error"] == "timed out"
    assert made.left_out.startswith(f"{log}: 3 line(s) not a request")
    assert made.left_out.endswith("line 2, 4, 6")


def test_json_that_is_not_a_request_is_left_out_and_named(tmp_path):
    """Every line JSON, one of them no request (no url): left out and named, not a NOT NULL
    failure at the publish."""
    log = _log(tmp_path / "log.jsonl", [NOW, {"status": 200}, OLDER])
    made = crawl_log.to_parquet(log, tmp_path / "out.parquet")
    assert made.rows == 2 and [r["url"] for r in _rows(made.path)] == [NOW["url"], OLDER["url"]]
    assert made.left_out.startswith(f"{log}: 1 line(s) not a request") and made.left_out.endswith("line 2")


def test_a_whole_log_leaves_nothing_out(tmp_path):
    made = crawl_log.to_parquet(_log(tmp_path / "log.jsonl", [NOW, OLDER]), tmp_path / "out.parquet")
    assert made.left_out is None


def test_a_request_with_a_value_of_the_wrong_type_still_fails(tmp_path):
    """Every line a request, one of them not what the crawler writes: not read leniently
    (that would turn the value into NULL unsaid)."""
    log = _log(tmp_path / "log.jsonl", [NOW, {**NOW, "status": "two hundred"}])
    with pytest.raises(duckdb.Error, match="log.jsonl"):
        crawl_log.to_parquet(log, tmp_path / "out.parquet")


def test_the_warehouse_holds_the_same_rows_as_from_a_frame(tmp_path):
    """What the pipeline did before (the log read into pandas) and what it does now give the
    same table (for the crawler's timestamps, in UTC: pandas kept another offset's wall time)."""
    import pyarrow as pa

    older = {**OLDER, "fetched_at": "2026-11-29T05:00:00Z"}
    log = _log(tmp_path / "log.jsonl", [NOW, older, {**NOW, "url": "http://x.gov.cn/col/2/"}])
    made = crawl_log.to_parquet(log, tmp_path / "out.parquet")
    batches = pq.ParquetFile(made.path).iter_batches(batch_size=2)
    reader = pa.RecordBatchReader.from_batches(pq.read_schema(made.path), batches)
    frame = pd.read_json(log, lines=True, dtype=False)

    def table(given, name):
        target = tmp_path / f"{name}.duckdb"
        con = duckdb.connect(str(target))
        con.execute(schema_sql())
        con.close()
        target.unlink()
        rows = warehouse.write({"crawl_log": given}, target)
        con = duckdb.connect(str(target), read_only=True)
        try:
            return rows, con.execute("SELECT * FROM crawl_log ORDER BY url").fetchall()
        finally:
            con.close()

    (rows_a, a), (rows_b, b) = table(frame, "a"), table(reader, "b")
    assert rows_a == rows_b == {"crawl_log": 3}
    assert a == b


def test_a_build_that_fails_leaves_no_crawl_log_file_behind(tmp_path, monkeypatch):
    """The build writes crawl_log beside the log for the lake to move: a build that fails
    removes it, and one that runs removes any a killed run left."""
    from pipelines.core.settings import Settings
    from pipelines.load import build as load_build
    from pipelines.stages import steps

    data = tmp_path / "data"
    (data / "crawl").mkdir(parents=True)
    _log(data / "crawl" / "log.jsonl", [NOW])
    (data / "crawl" / ".crawl_log-1.parquet").write_bytes(b"left by a killed run")
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\ncounty = "松岭县"\nstart_urls = ["http://x.gov.cn/col/1/"]\n',
                       encoding="utf-8")
    settings = Settings.resolve(str(sources), None, str(data))

    def fails(*args, **kwargs):
        assert list((data / "crawl").glob(".crawl_log-*.parquet")) == [
            data / "crawl" / f".crawl_log-{os.getpid()}.parquet"]  # this run's only
        raise RuntimeError("the build failed")

    monkeypatch.setattr(load_build, "build_frames", fails)
    with pytest.raises(RuntimeError, match="the build failed"):
        steps.build(settings, pd.DataFrame(), {})
    assert list((data / "crawl").glob(".crawl_log-*")) == []
