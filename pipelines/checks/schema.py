"""Structural validation of staged tables, before anything is published.

A failure here means a table is unusable (a code outside the template, a duplicated key, a
missing key column): the Dagster check is blocking, so the warehouse is not published.
Data findings (identities, plausibility) never block; they are in identities.py.
"""

from __future__ import annotations

import pandas as pd

from pipelines.core.registry import BY_TABLE


def fact_problems(table: str, frame: pd.DataFrame) -> list[str]:
    """Codes outside the registry's lists, NULL keys, duplicated keys: derived from the one
    registry of sections (pipelines.core.registry), like the DDL's CHECK lists."""
    section = BY_TABLE[table]
    d1, d2 = section.columns
    problems = []
    for dim in section.dims:
        bad = set(frame[dim.column].dropna()) - set(dim.code_list)
        if bad:
            problems.append(f"{table}.{dim.column} has codes outside the template: {sorted(bad)}")
    for col in ("report_id", d1, d2, "raw_text"):
        n = int(frame[col].isna().sum())
        if n:
            problems.append(f"{table}.{col} is NULL in {n} rows")
    dup = int(frame.duplicated(["report_id", d1, d2]).sum())
    if dup:
        problems.append(f"{table} has {dup} duplicated (report_id, {d1}, {d2}) keys")
    return problems


def report_problems(reports: pd.DataFrame) -> list[str]:
    problems = []
    current = reports[reports["is_current"]]
    dup = int(current.duplicated(["agency_id", "report_year"]).sum())
    if dup:
        problems.append(f"{dup} agency-years have more than one current report")
    keyed = reports[reports["agency_id"].notna() & reports["report_year"].notna()]
    missing = (keyed.groupby(["agency_id", "report_year"])["is_current"].sum() == 0).sum()
    if missing:
        problems.append(f"{int(missing)} agency-years have no current report")
    if reports["report_id"].duplicated().any():
        problems.append("report_id is not unique")
    return problems
