#!/usr/bin/env python3
"""The reviewer's reports alone: `write_all` over a data dir a run has filled (not collected
by pytest).

    python tests/benchmarks/pipeline_bench.py --sizes 300 --keep /tmp/pb   # once: a data dir
    python tests/benchmarks/reports_bench.py /tmp/pb/n300/data [--repeat 3] [--profile] [--parts]

Writes every county-year's report (pages, evidence crops, charts, workbook) into a scratch
folder, as the `county_reports` step does, from the data dir's published warehouse, its
lake's raw documents and the run's quality_issues. Prints one JSON line per repeat (wall and
CPU seconds of write_all, imports excluded; county-years; evidence images; then the seconds of
write_all again into the same folder, every report kept as its inputs did not change; then
write_all into a new folder without the documents, so without evidence: the floor were the
evidence made elsewhere) and, with
--profile, the costliest report functions under cProfile (one more pass, the evidence made in
the same thread so that the profiler sees it; slower by the profiler's overhead: for the
shares, not the seconds); with --parts, one more pass with everything made in this thread and
the wall seconds of each part of a report summed over the county-years (reading, the sheets'
values, the pages, the workbooks, the evidence: PDF crops and the HTML documents re-read), with
no profiler's overhead: the CPU the step's two processes share between them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--parts", action="store_true")
    args = ap.parse_args(argv)

    import pandas as pd
    from upath import UPath

    from pipelines.report import raw_reader, write_all

    data = args.data_dir
    findings = pd.read_parquet(data / "lake" / "assets" / "quality_issues.parquet")
    documents = raw_reader(UPath(data / "lake"))
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="reports_bench_") as out:
            wall, cpu = time.perf_counter(), time.process_time()
            done = write_all(data / "warehouse.duckdb", Path(out), findings, documents)
            seconds = round(time.perf_counter() - wall, 2)
            cpu = round(time.process_time() - cpu, 2)
            # Again into the same folder, nothing changed: every report kept (a night that
            # republished the warehouse for other counties).
            again = time.perf_counter()
            kept = write_all(data / "warehouse.duckdb", Path(out), findings, documents)
            kept_seconds = round(time.perf_counter() - again, 2)
        with tempfile.TemporaryDirectory(prefix="reports_bench_") as out:
            # Everything but the evidence (no documents to crop): what is left of write_all
            # were the evidence made elsewhere.
            bare = time.perf_counter()
            write_all(data / "warehouse.duckdb", Path(out), findings, None)
            bare = round(time.perf_counter() - bare, 2)
        print(json.dumps({"write_all_seconds": seconds, "write_all_cpu_seconds": cpu,
                          "county_years": len(done),
                          "evidence_images": sum(d["evidence_images"] for d in done),
                          "all_kept_seconds": kept_seconds,
                          "kept": sum(d["reused"] for d in kept),
                          "without_evidence_seconds": bare}),
              flush=True)
    if args.parts:
        print(json.dumps(parts(data, findings, documents)), flush=True)
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        with tempfile.TemporaryDirectory(prefix="reports_bench_") as out:
            profile.runcall(write_all, data / "warehouse.duckdb", Path(out), findings, documents,
                            helper="none")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(r"pipelines/(report|core/workbook)", 20)
    return 0


PARTS = (("data", "load"), ("data", "summary"), ("data", "inputs_digest"), ("excel", "sheets"),
         ("render", "html_page"), ("render", "markdown"), ("charts", "by_agency"),
         ("charts", "over_years"), ("make", "write_file"), ("make", "make_all"),
         ("evidence", "pdf_crops"), ("evidence", "HtmlCells"), ("evidence", "PdfPages"))


def parts(data: Path, findings, documents) -> dict:
    """Seconds per part of write_all, everything made in this thread (helper="none"): each
    function in PARTS wrapped where write_all looks it up."""
    from collections import Counter

    from pipelines.report import charts, evidence, excel, make, render
    from pipelines.report import data as report_data

    modules = {"data": report_data, "excel": excel, "render": render, "charts": charts,
               "make": make, "evidence": evidence}
    seconds, calls = Counter(), Counter()
    originals = []

    def timed(key, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[key] += time.perf_counter() - start
                calls[key] += 1
        return wrapper

    for module, name in PARTS:
        fn = getattr(modules[module], name)
        originals.append((modules[module], name, fn))
        setattr(modules[module], name, timed(f"{module}.{name}", fn))
    try:
        with tempfile.TemporaryDirectory(prefix="reports_bench_") as out:
            start = time.perf_counter()
            make.write_all(data / "warehouse.duckdb", Path(out), findings, documents, helper="none")
            total = time.perf_counter() - start
    finally:
        for module, name, fn in originals:
            setattr(module, name, fn)
    return {"parts_total_seconds": round(total, 2),
            "parts": {k: [round(v, 3), calls[k]] for k, v in seconds.most_common()}}


if __name__ == "__main__":
    raise SystemExit(main())
