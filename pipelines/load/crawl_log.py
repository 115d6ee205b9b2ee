"""The warehouse's `crawl_log` table, made by DuckDB from `crawl/log.jsonl` as a Parquet file.

The log gains every request of every night and is never pruned (the table is cumulative, as
the contract asks): at thousands of counties, tens of thousands of lines a night. It never
passes through pandas. Read into a frame, 500,000 lines took 8 s and 2.8 GB; DuckDB streams
them into Parquet in bounded memory (`tests/benchmarks/crawl_log_bench.py`), and the warehouse
reads the Parquet back in batches.

Columns and types are the table's own in sql/schema.sql; a line written by an earlier version
without a later column gives NULL there. A line that is not a request (not JSON: a write cut
by a crash; no url) is left out, and the file says which (`ParquetFile.left_out`), for the
run's log: one torn line does not stop every later night's build.
"""

from __future__ import annotations

import json
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
    """Every request line of `log` (JSON Lines; absent or empty: no rows) as a Parquet file
    at `target` with crawl_log's columns; the file, its row count and, when lines were left
    out, which."""
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
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)

        def copy(source: str, where: str = "") -> int:
            return con.execute(f"COPY (SELECT {select} FROM {source}{where}) TO "
                               f"{_quote(str(target))} (FORMAT parquet, ROW_GROUP_SIZE "
                               f"{ROW_GROUP})").fetchone()[0]

        if not (Path(log).is_file() and Path(log).stat().st_size):
            return ParquetFile(target, int(copy(f"(SELECT * FROM {TABLE})")))  # no rows
        struct = "{" + ", ".join(f"{_quote(c)}: {_quote(t)}" for c, t in read_as.items()) + "}"

        def source(more: str = "") -> str:
            return (f"read_json({_quote(str(log))}, format = 'newline_delimited', "
                    f"columns = {struct}{more})")

        failed = None
        try:
            rows = copy(source())
            # JSON that is not a request (no url) would fail the table's NOT NULL at the
            # publish: looked for in the file just written (its url column only, ~ms).
            if not con.execute(f"SELECT count(*) FROM read_parquet({_quote(str(target))}) "
                               "WHERE url IS NULL").fetchone()[0]:
                return ParquetFile(target, int(rows))
        except duckdb.InvalidInputException as error:  # a line that is not JSON
            failed = error
        left_out = _not_requests(Path(log))
        if left_out is None:  # every line is a request: a value of the wrong type, say
            raise failed or RuntimeError(f"{log}: rows without a url, but no such line")
        # Read again without those lines (rare; twice the time): leniently, a broken line
        # reads as a row of NULLs, and a request always has its url.
        rows = copy(source(", ignore_errors = true"), " WHERE url IS NOT NULL")
    finally:
        con.close()
    return ParquetFile(target, int(rows), left_out)


def _not_requests(log: Path, named: int = 5) -> str | None:
    """Which lines of the log are not requests (not a JSON object with a url), for the run's
    log (None: every line is one): a line cut by a crash is the usual one."""
    bad: list[int] = []
    with log.open("rb") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                row = None
            if not (isinstance(row, dict) and row.get("url") is not None):
                bad.append(n)
    if not bad:
        return None
    shown = ", ".join(map(str, bad[:named])) + (" …" if len(bad) > named else "")
    return (f"{log}: {len(bad)} line(s) not a request (not JSON, or no url; a write cut by a "
            f"crash?), left out of crawl_log: line {shown}")
