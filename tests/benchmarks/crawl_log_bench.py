#!/usr/bin/env python3
"""What the request log costs as it grows (not collected by pytest).

    python tests/benchmarks/crawl_log_bench.py [--lines 200000]

Writes a request log of LINES generated rows (20,000 URLs, each asked for again and again, as
nights of many sources leave it, each request at its own second) into a scratch data dir, then
times
- a source's crawl: a CrawlLog read back from the whole log (what each source's crawl did
  before it kept its validators in its own state) and one given the source's own validators
  (what it does now);
- the warehouse's crawl_log table: the log read into pandas (what the build did before) and
  the log made into Parquet by DuckDB (what it does now), each in a process of its own, with
  that process's peak RSS above what its imports hold;
- the warehouse's insert of that Parquet file, read back in the IO manager's Arrow batches
  (`warehouse.write`), in a process of its own.
One JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _table(how: str, log: Path) -> None:
    """In a process of its own: the warehouse's crawl_log made from `log`; prints seconds, rows
    and the peak RSS above the imports' (MiB)."""
    import duckdb  # noqa: F401  (both ways hold it)
    import pandas as pd

    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipelines.load import crawl_log, warehouse
    from pipelines.orchestration.io_manager import BATCH_ROWS

    parquet = log.with_suffix(".parquet")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    if how == "pandas":
        rows = len(pd.read_json(log, lines=True, dtype=False))
    elif how == "duckdb":
        rows = crawl_log.to_parquet(log, parquet).rows
    else:
        file = pq.ParquetFile(parquet)
        reader = pa.RecordBatchReader.from_batches(file.schema_arrow,
                                                   file.iter_batches(batch_size=BATCH_ROWS))
        rows = warehouse.write({"crawl_log": reader}, log.with_name("w.duckdb"))["crawl_log"]
    seconds = time.perf_counter() - t
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(json.dumps({"seconds": round(seconds, 2), "rows": rows, "peak_above_imports_mib": round(grown)}))


def _measure(how: str, log: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--table", how, str(log)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--table", nargs=2, metavar=("HOW", "LOG"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.table:
        _table(args.table[0], Path(args.table[1]))
        return 0

    from pipelines.crawl.history import CrawlLog

    row = {"status": 304, "sha256": "a" * 64, "etag": '"abc"', "method": "GET", "stage": "list",
           "last_modified": "Mon, 01 Feb 2021 00:00:00 GMT", "content_type": "text/html",
           "fetched_at": "2026-11-29T00:00:00Z", "bytes": 0, "error": None}
    with tempfile.TemporaryDirectory(prefix="crawl_log_bench_") as tmp:
        data = Path(tmp)
        (data / "crawl").mkdir()
        with (data / "crawl" / "log.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(args.lines):
                # Each request at its own second, as in a log (not one time for all of them).
                at = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=i)
                fh.write(json.dumps({"url": f"http://x.gov.cn/col/{i % 20000}/", **row,
                                     "fetched_at": at.strftime("%Y-%m-%dT%H:%M:%SZ")}) + "\n")
        t = time.perf_counter()
        CrawlLog(data)
        read_back = time.perf_counter() - t
        t = time.perf_counter()
        CrawlLog(data, {})
        kept = time.perf_counter() - t
        log = data / "crawl" / "log.jsonl"
        table = {how: _measure(how, log) for how in ("pandas", "duckdb", "insert")}
    print(json.dumps({"lines": args.lines, "read_back_seconds": round(read_back, 2),
                      "own_validators_seconds": round(kept, 4),
                      "table_pandas": table["pandas"], "table_duckdb": table["duckdb"],
                      "warehouse_insert": table["insert"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
