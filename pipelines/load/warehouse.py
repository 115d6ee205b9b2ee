"""The one writer of DuckDB: build a fresh file, then swap it over the published one.

Analysts keep reading the published file while a run builds; the rename is atomic on one
filesystem, so they see the old warehouse or the new one, never half of either.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from pipelines.load.ddl import schema_sql

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
PREVIOUS_TABLES = ("reports", "agencies", "counties", "runs")


def read_previous(published: Path) -> dict[str, pd.DataFrame]:
    """The published warehouse's own record of what earlier runs saw (empty on a first run)."""
    if not Path(published).exists():
        return {}
    import duckdb  # where used: ~13 MiB that a run's crawl and extraction need not hold

    con = duckdb.connect(str(published), read_only=True)
    try:
        return read_state(con)
    finally:
        con.close()


def read_state(con) -> dict[str, pd.DataFrame]:
    """What earlier runs saw, from an open (read-only) connection to the published warehouse."""
    out = {t: con.execute(f"SELECT * FROM {t}").df() for t in PREVIOUS_TABLES}
    out["names"] = con.execute(
        "SELECT r.report_id, a.agency_name, c.county FROM reports r "
        "LEFT JOIN agencies a USING (agency_id) LEFT JOIN counties c ON c.county_id = r.county_id"
    ).df()
    return out


def build_path(published: Path) -> Path:
    """The build file of this process beside the published one (same filesystem: the rename
    is atomic). Build files left by runs that were killed are removed on the way."""
    published = Path(published)
    published.parent.mkdir(parents=True, exist_ok=True)
    for stale in published.parent.glob(published.name + ".build-*"):
        pid = stale.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if pid != str(os.getpid()) and not process_alive(pid):
            stale.unlink(missing_ok=True)
    return published.with_name(published.name + f".build-{os.getpid()}")


def process_alive(pid: str) -> bool:
    """Whether the process that named a leftover file (by its pid) still runs."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def write(tables: dict, target: Path) -> dict[str, int]:
    """Create the schema in a new file and load every table into its own, by column name: a
    frame, or a pyarrow RecordBatchReader (crawl_log, read from the lake a batch at a time).
    Returns the rows written per table."""
    target = Path(target)
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    import duckdb  # where used: see read_previous

    con = duckdb.connect(str(target))
    rows: dict[str, int] = {}
    try:
        con.execute(schema_sql())  # sql/schema.sql, its code lists from the registry
        for name, frame in tables.items():
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [name]).fetchall()]
            if not cols:
                raise ValueError(f"no table {name} in sql/schema.sql")
            given = frame.columns if isinstance(frame, pd.DataFrame) else frame.schema.names
            present = [c for c in cols if c in given]
            con.register("frame", frame[present] if isinstance(frame, pd.DataFrame) else frame)
            (rows[name],) = con.execute(f"INSERT INTO {name} ({', '.join(present)}) "
                                        f"SELECT {', '.join(present)} FROM frame").fetchone()
            con.unregister("frame")
        con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return rows


def publish(built: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the built one.

    The build file is complete on disk first (checkpointed, closed, fsynced), then renamed over
    the published name: readers holding the old file keep reading it (its inode lives until they
    close), new connections open the new one. A crash before the rename leaves the old one."""
    built, published = Path(built), Path(published)
    published.parent.mkdir(parents=True, exist_ok=True)
    if built.with_name(built.name + ".wal").exists():
        raise RuntimeError(f"{built} still has a write-ahead log: not closed cleanly")
    with open(built, "rb") as f:
        os.fsync(f.fileno())
    os.replace(built, published)
    dir_fd = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
