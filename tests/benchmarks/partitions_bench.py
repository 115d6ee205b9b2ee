#!/usr/bin/env python3
"""What partitioning thousands of counties costs in Dagster (not collected by pytest).

    python tests/benchmarks/partitions_bench.py [--counties 100 1000 3000] [--years 7]

For each number of counties, on a fresh SQLite Dagster instance (a temp DAGSTER_HOME, as
`gongkai run` uses), with three trivial partitioned assets (crawl, raw documents, extract: the
grain of gongkai's partitioned assets; their bodies do nothing, so only Dagster's cost is
measured) and `BackfillPolicy.single_run()`:

- `county`: StaticPartitionsDefinition of the counties (what gongkai has now);
- `county×year`: MultiPartitionsDefinition(county static × year static);
- `dynamic county`: DynamicPartitionsDefinition, the keys added to the instance (what a
  sensor reading the sources file would do), timed separately.

Times (a) building the Definitions and listing the keys, (b) the nightly single run over every
partition (range tags, as `gongkai run` does) and counts the event-log rows it wrote, (c) a
backfill of one county (county: one key; county×year: that county's years as one run).
"""

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def assets_for(partitions_def):
    from dagster import BackfillPolicy, MaterializeResult, asset

    out = []
    prev = None
    for name in ("report_index", "raw_documents", "extracted_documents"):
        deps = [prev] if prev else []

        @asset(name=name, deps=deps, partitions_def=partitions_def,
               backfill_policy=BackfillPolicy.single_run())
        def _a(context):
            return MaterializeResult(metadata={"partitions": len(context.partition_keys)})

        out.append(_a)
        prev = name
    return out


def event_rows(home: Path) -> int:
    db = home / "history" / "runs" / "index.db"
    dbs = list(home.rglob("*.db"))
    total = 0
    for path in dbs:
        con = sqlite3.connect(path)
        try:
            total += con.execute("SELECT count(*) FROM event_logs").fetchone()[0]
        except sqlite3.Error:
            pass
        con.close()
    return total if dbs else -1 if not db else 0


def bench(kind: str, n: int, years: int) -> dict:
    from dagster import (DagsterInstance, Definitions, DynamicPartitionsDefinition,
                         MultiPartitionsDefinition, StaticPartitionsDefinition, define_asset_job)

    counties = [f"county{i:05d}" for i in range(n)]
    year_keys = [str(2019 + i) for i in range(years)]
    home = Path(tempfile.mkdtemp(prefix="pbench_"))
    (home / "dagster.yaml").touch()
    os.environ["DAGSTER_HOME"] = str(home)
    instance = DagsterInstance.get()
    out = {"kind": kind, "counties": n}
    t0 = time.perf_counter()
    if kind == "county":
        pdef = StaticPartitionsDefinition(counties)
    elif kind == "county×year":
        pdef = MultiPartitionsDefinition({"county": StaticPartitionsDefinition(counties),
                                          "year": StaticPartitionsDefinition(year_keys)})
    else:
        pdef = DynamicPartitionsDefinition(name="county")
        t1 = time.perf_counter()
        instance.add_dynamic_partitions("county", counties)
        out["add_dynamic_s"] = round(time.perf_counter() - t1, 2)
    defs = Definitions(assets=assets_for(pdef), jobs=[define_asset_job("nightly", partitions_def=pdef)])
    job = defs.resolve_job_def("nightly")
    keys = pdef.get_partition_keys(dynamic_partitions_store=instance)
    out["partitions"] = len(keys)
    out["definitions_s"] = round(time.perf_counter() - t0, 2)
    before = event_rows(home)
    t0 = time.perf_counter()
    res = job.execute_in_process(instance=instance, tags={RANGE_START: keys[0], RANGE_END: keys[-1]})
    assert res.success
    out["nightly_run_s"] = round(time.perf_counter() - t0, 2)
    out["nightly_event_rows"] = event_rows(home) - before
    one = counties[n // 2]
    if kind == "county×year":
        one_keys = [k for k in keys if k.keys_by_dimension["county"] == one]
        tags = {RANGE_START: one_keys[0], RANGE_END: one_keys[-1]}
    else:
        tags = {RANGE_START: one, RANGE_END: one}
    t0 = time.perf_counter()
    res = job.execute_in_process(instance=instance, tags=tags)
    assert res.success
    mats = [e for e in res.all_events if e.event_type_value == "ASSET_MATERIALIZATION"]
    out["one_county_run_s"] = round(time.perf_counter() - t0, 2)
    out["one_county_materializations"] = len(mats)
    out["one_county_partitions_touched"] = sorted({str(e.partition) for e in mats})[:3]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counties", type=int, nargs="+", default=[100, 1000, 3000])
    ap.add_argument("--years", type=int, default=7)
    ap.add_argument("--kinds", nargs="+", default=["county", "dynamic county", "county×year"])
    args = ap.parse_args(argv)
    rows = []
    for n in args.counties:
        for kind in args.kinds:
            r = bench(kind, n, args.years)
            rows.append(r)
            print(r, flush=True)
    print("\n| partitions def | counties | partitions | definitions + keys | nightly single run | "
          "its event-log rows | one-county backfill | its materializations |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        extra = f" (+{r['add_dynamic_s']} s adding keys)" if "add_dynamic_s" in r else ""
        print(f"| {r['kind']} | {r['counties']} | {r['partitions']} | {r['definitions_s']} s{extra} | "
              f"{r['nightly_run_s']} s | {r['nightly_event_rows']} | {r['one_county_run_s']} s | "
              f"{r['one_county_materializations']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
