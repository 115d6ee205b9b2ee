"""Parquet exports of the warehouse for tools that do not speak DuckDB, swapped in atomically.

Layout, beside the published DuckDB file (`<warehouse dir>/exports/`):

    exports/                                 a symlink to the current version directory
        fact_applications/report_year=2021/data_0.parquet      facts, partitioned by year
        fact_applications_superseded/report_year=…/…
        reports/report_year=…/…, quality_issues/report_year=…/…
        reports.unknown_year.parquet         rows whose year is unknown (only when there are)
        counties.parquet, agencies.parquet, categories.parquet, unmapped_cells.parquet,
        crawl_log.parquet, runs.parquet,
        corrections.parquet                  one file each
        MANIFEST.json                        row counts per table, the run that wrote it

Each run writes a new version directory (`exports.v<stamp>`) from the built DuckDB file, then
points the `exports` symlink at it with one rename: a reader sees the old export or the new
one, never a mix. The previous version is kept (a reader may still be inside it); older ones
are deleted. Hive-style `report_year=N` directories read directly with pandas/pyarrow
(`pd.read_parquet("exports/fact_applications")`), DuckDB, Spark or Polars.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from pipelines.core.registry import FACT_TABLES, SUPERSEDED_TABLES
from pipelines.load.warehouse import process_alive

PARTITIONED = FACT_TABLES + SUPERSEDED_TABLES + ("reports", "quality_issues")
SINGLE = ("counties", "agencies", "categories", "unmapped_cells", "crawl_log", "runs", "corrections")
KEEP_VERSIONS = 2


def exports_path(warehouse: Path) -> Path:
    """Where the exports of a published warehouse live: `exports/` beside it."""
    return Path(warehouse).resolve().parent / "exports"


def _select(con, table: str) -> str:
    """SELECT * of `table`, fixed-size arrays (bbox DOUBLE[4]) written as plain lists: pyarrow
    cannot read DuckDB's fixed-size lists back from a partitioned dataset with NULLs in them."""
    arrays = [c for c, t in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
        [table]).fetchall() if t.endswith("]") and not t.endswith("[]")]
    if not arrays:
        return f"SELECT * FROM {table}"
    casts = ", ".join(f"{c}::DOUBLE[] AS {c}" for c in arrays)
    return f"SELECT * REPLACE ({casts}) FROM {table}"


def build(db_path: Path, link: Path) -> Path:
    """Write every table of the DuckDB file at `db_path` into a new version directory."""
    link = Path(link)
    link.parent.mkdir(parents=True, exist_ok=True)
    now = time.time_ns()  # sortable and unique: two builds in one second get two versions
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f"{now % 10**9:09d}"
    version = link.with_name(f"{link.name}.v{stamp}-{os.getpid()}")
    tmp = version.with_name(version.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    import duckdb  # where used: see warehouse.read_previous

    con = duckdb.connect(str(db_path), read_only=True)
    counts = {}
    try:
        for table in PARTITIONED:
            n, unknown = con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE report_year IS NULL) FROM {table}"
            ).fetchone()
            counts[table] = n
            (tmp / table).mkdir()
            if n - unknown:
                con.execute(f"COPY ({_select(con, table)} WHERE report_year IS NOT NULL) "
                            f"TO '{tmp / table}' (FORMAT parquet, PARTITION_BY (report_year), "
                            "OVERWRITE_OR_IGNORE true)")
            if unknown:
                con.execute(f"COPY ({_select(con, table)} WHERE report_year IS NULL) "
                            f"TO '{tmp / (table + '.unknown_year.parquet')}' (FORMAT parquet)")
        for table in SINGLE:
            counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            con.execute(f"COPY ({_select(con, table)}) TO '{tmp / (table + '.parquet')}' (FORMAT parquet)")
        run = con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    finally:
        con.close()
    (tmp / "MANIFEST.json").write_text(json.dumps(
        {"run_id": run[0] if run else None, "tables": counts,
         "partitioned_by": {t: "report_year" for t in PARTITIONED}}, indent=1))
    tmp.rename(version)
    return version


def publish(version: Path, link: Path) -> None:
    """Point `link` at `version` atomically (a symlink replaced by rename), then tidy up."""
    link = Path(link)
    if link.exists() and not link.is_symlink():  # an export from before versioned exports
        link.rename(link.with_name(f"{link.name}.v00000000-legacy"))
    staged = link.with_name(f".{link.name}.link-{os.getpid()}")
    staged.unlink(missing_ok=True)
    staged.symlink_to(version.name)  # relative: the data dir can move
    os.replace(staged, link)
    _tidy(link)


def _tidy(link: Path) -> None:
    """Keep the current and the previous version; delete older ones and dead build dirs."""
    current = os.readlink(link) if link.is_symlink() else None
    versions = sorted(p for p in link.parent.glob(f"{link.name}.v*")
                      if p.is_dir() and not p.name.endswith(".tmp"))
    keep = {current} | {p.name for p in versions[-KEEP_VERSIONS:]}
    for p in versions:
        if p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
    for p in link.parent.glob(f"{link.name}.v*.tmp"):
        if not process_alive(p.name.rsplit("-", 1)[-1].removesuffix(".tmp")):
            shutil.rmtree(p, ignore_errors=True)
