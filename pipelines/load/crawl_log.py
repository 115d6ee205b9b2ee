"""The warehouse's `crawl_log` table, made by DuckDB from `crawl/log.jsonl` as a Parquet file.

The log gains every request of every night and is never pruned (the table is cumulative, as
the contract asks): at thousands of counties, tens of thousands of lines a night. It never
passes through pandas. Read into a frame, 500,000 lines took 8 s and 2.8 GB; DuckDB streams
them into Parquet in bounded memory (`tests/benchmarks/crawl_log_bench.py`), and the warehouse
reads the Parquet back in batches.

Columns and types are the table's own in sql/schema.sql; a line written by an earlier version
without a later column gives NULL there. A line that is not JSON fails the build, as before.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.core.lake import ParquetFile

TABLE = "crawl_log"
ROW_GROUP = 20_000


def columns(con=None) -> dict[str, str]:
    """crawl_log's columns and their DuckDB types, in the table's order (sql/schema.sql)."""
    import duckdb

    from pipelines.load.ddl import table_sql

    own = con is None
    con = duckdb.connect() if own else con
    try:
        con.execute(table_sql(TABLE))
        return dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_name = ? ORDER BY ordinal_position",
                                [TABLE]).fetchall())
    finally:
        if own:
            con.close()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def to_parquet(log: Path, target: Path) -> ParquetFile:
    """Every line of `log` (JSON Lines; absent or empty: no rows) as a Parquet file at
    `target` with crawl_log's columns; the file and its row count."""
    import duckdb

    # One thread and small row groups: a flat ~90 MiB whatever the log's length (the default
    # threads and 122,880-row groups held 225 MiB for 500,000 lines).
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute("SET TimeZone = 'UTC'")
        cols = columns(con)
        # Timestamps are written in UTC with their offset ("…Z"): read with it, kept as UTC.
        read_as = {c: ("TIMESTAMPTZ" if t == "TIMESTAMP" else t) for c, t in cols.items()}
        select = ", ".join(f"CAST({c} AS TIMESTAMP) AS {c}" if t == "TIMESTAMP" else c
                           for c, t in cols.items())
        if Path(log).is_file() and Path(log).stat().st_size:
            struct = "{" + ", ".join(f"{_quote(c)}: {_quote(t)}" for c, t in read_as.items()) + "}"
            source = (f"read_json({_quote(str(log))}, format = 'newline_delimited', "
                      f"columns = {struct})")
        else:
            source = f"(SELECT * FROM {TABLE})"  # the empty table: its columns, no rows
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        (rows,) = con.execute(f"COPY (SELECT {select} FROM {source}) TO {_quote(str(target))} "
                              f"(FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP})").fetchone()
    finally:
        con.close()
    return ParquetFile(target, int(rows))
