"""Extraction accuracy (per hazard), speed and memory on committed documents.

Not collected by pytest. Run from the repository root:

    .venv/bin/python tests/benchmarks/extract_bench.py                 # the fixture corpus
    .venv/bin/python tests/benchmarks/extract_bench.py --defaults      # + camelot's defaults
    .venv/bin/python tests/benchmarks/extract_bench.py --sample        # the bundled sample

Accuracy: every truth cell of every document, whatever its status, is one of
  correct            the fact is there with the printed value and raw_text
                     (an `expect=unmapped` cell: no fact placed, and an unmapped_cells row of
                     its section holds its raw text);
  wrong              a fact with another value or text, a fact placed for a cell that cannot be
                     placed with confidence, or a fact no truth cell has;
  missing-reported   no fact, and an unmapped_cells row holds its raw text;
  missing-silently   no fact and no unmapped_cells row for it.
Each unmapped_cells row vouches for one truth cell only.
Speed (each document timed --repeat times, the fastest kept): milliseconds per page for gongkai's path (pdfium text layer picks the pages, camelot's
vector lattice reads them), every page of the document counted, one core, in this process;
with --defaults also `camelot.read_pdf(path, pages="all")` on the same PDFs, same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pipelines.document.document import extract_document  # noqa: E402
from pipelines.normalise.model import TABLE_OF_SECTION  # noqa: E402

HINTS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx", ".doc": "doc"}


def same_text(document: str, want: str, got: str) -> bool:
    # In a PDF the gap a layout engine leaves between Chinese and Latin characters may or may
    # not be a space character: spaces in raw_text do not count there.
    if document.endswith(".pdf"):
        return "".join(want.split()) == "".join(got.split())
    return want == got


SECTION_OF_TABLE = {t: s for s, t in TABLE_OF_SECTION.items()}


def status_as_expected(expected: str, result) -> bool:
    """The manifest's expected status; `ocr` (a scanned report) means read by OCR, ok or
    partial (the arithmetic gate may hold cells back)."""
    if expected == "ocr":
        return result.read_by == "ocr" and result.status in ("ok", "partial")
    return result.status == expected


def score_document(doc: str, result, truth: pd.DataFrame) -> dict[str, int]:
    """Every truth cell of one document, cell by cell (whatever the report's status):

    a fact with the printed value and raw_text is correct; an `expect=unmapped` cell is correct
    when no fact was placed for it and an unmapped_cells row of its section holds its raw text;
    a cell with no fact is missing-reported when an unmapped_cells row holds its raw text, else
    missing-silently. Each unmapped_cells row vouches for one cell only."""
    got = {(TABLE_OF_SECTION[f.section], f.dim1, f.dim2): f for f in result.facts}
    pool: dict[tuple[str, str], int] = defaultdict(int)
    for u in result.unmapped:
        pool[(u.section, _key(doc, u.raw_text))] += 1

    def reported(table: str, raw: str) -> bool:
        for section in (SECTION_OF_TABLE[table], "unplaced_part"):
            k = (section, _key(doc, raw))
            if pool.get(k):
                pool[k] -= 1
                return True
        return False

    counts = defaultdict(int)
    for row in truth.itertuples(index=False):
        key = (row.table, row.dim1, row.dim2)
        fact = got.pop(key, None)
        expect = getattr(row, "expect", "fact") or "fact"
        if expect == "unmapped":
            counts["wrong" if fact is not None else
                   "correct" if reported(row.table, row.raw_text) else "missing-silently"] += 1
            continue
        if fact is None:
            counts["missing-reported" if reported(row.table, row.raw_text)
                   else "missing-silently"] += 1
            continue
        want = float(row.value) if row.value != "" else None
        ok = fact.value == want and same_text(doc, row.raw_text, fact.raw_text)
        counts["correct" if ok else "wrong"] += 1
    counts["wrong"] += len(got)  # facts no truth cell has
    return counts


def _key(document: str, raw: str) -> str:
    raw = raw or ""
    return "".join(raw.split()) if document.endswith(".pdf") else raw.strip()


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


def load(folder: Path, sample: bool):
    if sample:
        docs_dir = folder / "portal"
        truth = pd.read_csv(folder / "truth.csv", dtype=str, keep_default_na=False)
        reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
        manifest = reports.assign(hazards="sample", expected_error="",
                                  producer=reports["media_type"])
    else:
        docs_dir = folder / "docs"
        truth = pd.read_csv(folder / "truth.csv", dtype=str, keep_default_na=False)
        manifest = pd.read_csv(folder / "manifest.csv", dtype=str, keep_default_na=False)
    return docs_dir, truth, manifest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", action="store_true", help="the bundled sample, not the corpus")
    parser.add_argument("--defaults", action="store_true",
                        help="also time camelot.read_pdf(path, pages='all') on the same PDFs")
    parser.add_argument("--folder", help="a corpus folder with docs/, truth.csv, manifest.csv")
    parser.add_argument("--repeat", type=int, default=5,
                        help="time each document this many times and keep the fastest (the "
                             "machine is shared: the minimum is the least disturbed figure)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    folder = Path(args.folder) if args.folder else (
        REPO / "data" / "sample" if args.sample else REPO / "tests" / "fixtures" / "corpus")
    docs_dir, truth, manifest = load(folder, args.sample)
    by_doc = {d: t for d, t in truth.groupby("document")}

    first_pdf = next((docs_dir / d for d in manifest["document"] if d.endswith(".pdf")), None)
    if first_pdf is not None:
        extract_document(first_pdf.read_bytes(), "pdf")  # warm-up: imports, fonts
    per_hazard: dict[str, defaultdict] = defaultdict(lambda: defaultdict(int))
    totals: defaultdict = defaultdict(int)
    status_problems, ours, theirs, rows = [], [], [], []
    import shutil
    has_soffice = bool(shutil.which("soffice") or shutil.which("libreoffice"))
    skipped = []
    for m in manifest.itertuples(index=False):
        path = docs_dir / m.document
        if path.suffix.lower() == ".doc" and not has_soffice:
            skipped.append(m.document)  # cannot be read on this machine: not scored, said so
            continue
        data = path.read_bytes()
        times = []
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            result = extract_document(data, HINTS.get(path.suffix.lower()))
            times.append((time.perf_counter() - t0) * 1000)
            if result.read_by == "ocr":
                break  # scanned: timed by tests/benchmarks/ocr_bench.py, not here
        ms = min(times)
        if not status_as_expected(m.expected_status, result) or (
                m.expected_error and m.expected_error.lower() not in (result.error or "").lower()):
            status_problems.append(f"{m.document}: want {m.expected_status} "
                                   f"({m.expected_error!r}), got {result.status}: {result.error}")
        # Scanned documents have no truth rows here (tests/benchmarks/ocr_bench.py scores the
        # scanned fixtures): their facts are not counted.
        counts = ({} if m.expected_status == "ocr" else
                  score_document(m.document, result, by_doc.get(m.document, truth.iloc[0:0])))
        for hazard in filter(None, m.hazards.split(";")):
            for k, v in counts.items():
                per_hazard[hazard][k] += v
        for k, v in counts.items():
            totals[k] += v
        row = {"document": m.document, "status": result.status, "pages": result.pages,
               "ms": round(ms, 1), **counts}
        if path.suffix.lower() == ".pdf" and result.pages and result.read_by != "ocr":
            ours.append(ms / result.pages)
            if args.defaults:
                import camelot

                spent = []
                for _ in range(max(1, min(args.repeat, 2))):  # slow: at most twice
                    t0 = time.perf_counter()
                    try:
                        camelot.read_pdf(str(path), pages="all")
                    except Exception as e:  # noqa: BLE001 - the defaults may fail where we do not
                        row["defaults_error"] = type(e).__name__
                    spent.append((time.perf_counter() - t0) * 1000)
                theirs.append(min(spent) / result.pages)
        rows.append(row)

    pd.set_option("display.width", 200)
    print(pd.DataFrame(rows).fillna("").to_string(index=False))
    cols = ["correct", "wrong", "missing-reported", "missing-silently"]
    table = pd.DataFrame([{"hazard": h, **{c: per_hazard[h][c] for c in cols}}
                          for h in sorted(per_hazard)])
    print("\naccuracy per hazard (cells)\n" + table.to_string(index=False))
    n = sum(totals[c] for c in cols)
    print(f"\n{len(manifest) - len(skipped)} documents, {n} truth cells: "
          + ", ".join(f"{totals[c]} {c}" for c in cols)
          + (f" ({100 * totals['correct'] / n:.2f}% correct)" if n else ""))
    if skipped:
        print(f"not scored: {len(skipped)} .doc documents (LibreOffice is not installed here): "
              + " ".join(skipped))
    print(f"status/error as expected: {len(manifest) - len(skipped) - len(status_problems)} of "
          f"{len(manifest) - len(skipped)}")
    for p in status_problems:
        print("  " + p)
    if ours:
        print(f"gongkai: {len(ours)} PDFs, median {statistics.median(ours):.1f} ms/page, "
              f"p95 {percentile(ours, 0.95):.1f} ms/page (every page counted)")
    if theirs:
        print(f"camelot defaults: median {statistics.median(theirs):.1f} ms/page, "
              f"p95 {percentile(theirs, 0.95):.1f} ms/page; "
              f"{statistics.median(theirs) / statistics.median(ours):.1f}x slower (medians)")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    # Issue 3's targets, each said met or not.
    targets = [("0 wrong cells", totals["wrong"] == 0),
               ("0 cells missing silently", totals["missing-silently"] == 0),
               ("at least 99.5% correct", n > 0 and totals["correct"] / n >= 0.995),
               ("median under 30 ms/page", bool(ours) and statistics.median(ours) < 30)]
    if theirs and ours:
        targets.append(("at least 15x faster than camelot's defaults",
                        statistics.median(theirs) / statistics.median(ours) >= 15))
    for name, met in targets:
        print(f"target {'met' if met else 'NOT met'}: {name}")


if __name__ == "__main__":
    main()
