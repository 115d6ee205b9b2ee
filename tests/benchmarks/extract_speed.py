"""Extraction speed and accuracy on the committed PDFs (not collected by pytest).

    .venv/bin/python tests/benchmarks/extract_speed.py [--defaults] [FOLDER]

For every PDF under FOLDER (default: the bundled sample portal) it times gongkai's extraction
path (pdfium page selection + camelot vector lattice + normaliser) per document, counting every
page of the document, and with --defaults also camelot's default settings
(`read_pdf(path, pages="all")`) on the same files, in the same process, on one core.
Where a truth.csv sits beside the portal, cells are scored against it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pipelines.extract.document import extract_document  # noqa: E402
from pipelines.normalise.model import TABLE_OF_SECTION  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def score(result: dict, truth: pd.DataFrame) -> tuple[int, int, int]:
    """(correct, wrong, missing) cells of one document against its truth rows."""
    got = {(TABLE_OF_SECTION[f["section"]], f["dim1"], f["dim2"]): f for f in result["facts"]}
    correct = wrong = missing = 0
    for row in truth.itertuples(index=False):
        fact = got.get((row.table, row.dim1, row.dim2))
        if fact is None:
            missing += 1
            continue
        want = float(row.value) if row.value != "" else None
        # In a PDF, the gap between Chinese and Latin characters may or may not be a space
        # character: spaces in raw_text do not count there.
        if fact["value"] == want and "".join(fact["raw_text"].split()) == "".join(row.raw_text.split()):
            correct += 1
        else:
            wrong += 1
    return correct, wrong, missing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(REPO / "data" / "sample" / "portal"))
    parser.add_argument("--defaults", action="store_true",
                        help="also time camelot.read_pdf(path, pages='all')")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    folder = Path(args.folder)
    truth_file = folder.parent / "truth.csv"
    truth = (pd.read_csv(truth_file, dtype=str, keep_default_na=False)
             if truth_file.exists() else None)
    pdfs = sorted(folder.rglob("*.pdf"))
    extract_document(pdfs[0].read_bytes(), "pdf")  # warm-up: imports, fonts
    rows, ours_pp, theirs_pp = [], [], []
    totals = [0, 0, 0]
    for path in pdfs:
        data = path.read_bytes()
        t0 = time.perf_counter()
        result = extract_document(data, "pdf")
        ms = (time.perf_counter() - t0) * 1000
        pages = result["pages"] or 1
        row = {"document": str(path.relative_to(folder)), "status": result["status"],
               "pages": result["pages"], "table_pages": len(result["table_pages"]),
               "ms": round(ms, 1), "ms_per_page": round(ms / pages, 1)}
        if result["pages"]:
            ours_pp.append(ms / pages)
        if args.defaults and result["pages"]:
            import camelot

            t0 = time.perf_counter()
            camelot.read_pdf(str(path), pages="all")
            row["defaults_ms_per_page"] = round((time.perf_counter() - t0) * 1000 / pages, 1)
            theirs_pp.append(row["defaults_ms_per_page"])
        if truth is not None:
            rel = str(path.relative_to(folder))
            c, w, m = score(result, truth[truth["document"] == rel])
            row.update(correct=c, wrong=w, missing=m)
            totals = [totals[0] + c, totals[1] + w, totals[2] + m]
        rows.append(row)
    print(pd.DataFrame(rows).to_string(index=False))
    print(f"\n{len(pdfs)} PDFs, {sum(r['pages'] or 0 for r in rows)} pages")
    print(f"gongkai: median {statistics.median(ours_pp):.1f} ms/page, "
          f"p95 {percentile(ours_pp, 0.95):.1f} ms/page")
    if theirs_pp:
        print(f"camelot defaults: median {statistics.median(theirs_pp):.1f} ms/page, "
              f"p95 {percentile(theirs_pp, 0.95):.1f} ms/page; ratio of medians "
              f"{statistics.median(theirs_pp) / statistics.median(ours_pp):.1f}x")
    if truth is not None:
        n = sum(totals)
        print(f"cells: {totals[0]} correct, {totals[1]} wrong, {totals[2]} missing "
              f"({100 * totals[0] / n:.2f}% correct)" if n else "no truth rows for these PDFs")


if __name__ == "__main__":
    main()
