"""The one writer of DuckDB: build a fresh file, then swap it over the published one.

Analysts keep reading the published file while a run builds; the rename is atomic on one
filesystem, so they see the old warehouse or the new one, never half of either.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
PREVIOUS_TABLES = ("reports", "agencies", "counties", "runs")


def read_previous(published: Path) -> dict[str, pd.DataFrame]:
    """The published warehouse's own record of what earlier runs saw (empty on a first run)."""
    if not Path(published).exists():
        return {}
    con = duckdb.connect(str(published), read_only=True)
    try:
        out = {t: con.execute(f"SELECT * FROM {t}").df() for t in PREVIOUS_TABLES}
        out["names"] = con.execute(
            "SELECT r.report_id, a.agency_name, c.county FROM reports r "
            "LEFT JOIN agencies a USING (agency_id) LEFT JOIN counties c ON c.county_id = r.county_id"
        ).df()
        return out
    finally:
        con.close()


def build_path(published: Path) -> Path:
    return Path(published).with_name(Path(published).name + f".build-{os.getpid()}")


def write(tables: dict[str, pd.DataFrame], target: Path) -> None:
    """Create the schema in a new file and load every frame into its table, by column name."""
    target = Path(target)
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    try:
        con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
        for name, frame in tables.items():
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [name]).fetchall()]
            if not cols:
                raise ValueError(f"no table {name} in sql/schema.sql")
            present = [c for c in cols if c in frame.columns]
            con.register("frame", frame[present])
            con.execute(f"INSERT INTO {name} ({', '.join(present)}) "
                        f"SELECT {', '.join(present)} FROM frame")
            con.unregister("frame")
        con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
        con.execute("CHECKPOINT")
    finally:
        con.close()


def publish(built: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the built one."""
    Path(published).parent.mkdir(parents=True, exist_ok=True)
    os.replace(built, published)
