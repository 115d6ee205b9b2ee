#!/usr/bin/env python3
"""OCR benchmark: every scanned fixture (tests/fixtures/scans/) through `extract_document`,
scored cell by cell against its truth.

    PYTHONPATH=. .venv/bin/python tests/benchmarks/ocr_bench.py [--docs S11 S12 ...] [--verbose]

Per truth cell (`expect = fact`: a printed cell a reader should store):
  placed   a fact with the printed value (blank cells: a fact with value NULL)
  wrong    a fact with another value: a misread number stored (target 0)
  held     no fact: in unmapped_cells (unverified, or not placed)
`expect = unmapped` cells (a printed arithmetic error) must not be stored: `stored_unverifiable`.

Targets: 0 wrong numbers stored, >= 98% of printed cells placed, <= 3 s per table page
(wall time on 2 cores; CPU seconds are printed too, since a shared machine's wall time says
little). The engine is loaded before timing starts (its one-off load is printed apart).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipelines.document.document import extract_document  # noqa: E402

SCANS = ROOT / "tests" / "fixtures" / "scans"
TABLE = {"applications": "fact_applications", "proactive": "fact_proactive",
         "review_litigation": "fact_review_litigation"}


def load_truth() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    with open(SCANS / "truth.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["document"], []).append(row)
    return out


def _same(value, truth: str) -> bool:
    if truth in ("", None):
        return value is None
    return value is not None and abs(float(value) - float(truth)) < 1e-9


def score(result: dict, truth: list[dict]) -> dict:
    facts = {(TABLE[f.section], f.dim1, f.dim2): f for f in result.facts}
    s = {"cells": 0, "placed": 0, "wrong": 0, "held": 0, "unverifiable": 0,
         "stored_unverifiable": 0, "wrong_cells": []}
    for t in truth:
        f = facts.get((t["table"], t["dim1"], t["dim2"]))
        if t["expect"] == "unmapped":
            s["unverifiable"] += 1
            if f is not None:
                s["stored_unverifiable"] += 1
            continue
        s["cells"] += 1
        if f is None:
            s["held"] += 1
        elif _same(f.value, t["value"]):
            s["placed"] += 1
        else:
            s["wrong"] += 1
            s["wrong_cells"].append((t["table"], t["dim1"], t["dim2"], f.raw_text, t["raw_text"]))
    return s


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", nargs="*", help="fixture ids (S11 …); default all")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    truth = load_truth()
    docs = sorted(truth)
    if args.docs:
        docs = [d for d in docs if d.split("_")[0] in args.docs]
    from pipelines.parse.scan.engine import engine

    t = time.perf_counter()
    engine()
    print(f"engine load: {time.perf_counter() - t:.2f} s (once per process)")
    total = {"cells": 0, "placed": 0, "wrong": 0, "held": 0, "unverifiable": 0,
             "stored_unverifiable": 0}
    pages = wall = cpu = 0.0
    print(f"{'document':<24} {'status':<8} {'pages':>5} {'cells':>5} {'placed':>6} {'wrong':>5} "
          f"{'held':>4} {'unverif.':>8} {'s/page':>6} {'cpu/page':>8}")
    for name in docs:
        data = (SCANS / "docs" / name).read_bytes()
        w0, c0 = time.perf_counter(), time.process_time()
        result = extract_document(data, "pdf")
        dw, dc = time.perf_counter() - w0, time.process_time() - c0
        s = score(result, truth[name])
        n_pages = max(len(result.table_pages or []), 1)
        pages += n_pages
        wall += dw
        cpu += dc
        for k in total:
            total[k] += s[k]
        print(f"{name:<24} {str(result.status):<8} {n_pages:>5} {s['cells']:>5} {s['placed']:>6} "
              f"{s['wrong']:>5} {s['held']:>4} {s['stored_unverifiable']:>3}/{s['unverifiable']:<4} "
              f"{dw / n_pages:>6.2f} {dc / n_pages:>8.2f}")
        for c in s["wrong_cells"]:
            print(f"    WRONG {c[0]} {c[1]}/{c[2]}: stored {c[3]!r}, printed {c[4]!r}")
        if args.verbose:
            for u in result.unmapped:
                print(f"    held p{u.page} {u.label[:30]!r} {u.raw_text!r}: {u.reason[:90]}")
            for f in result.findings:
                print(f"    finding {f['check_name']}: {f['detail'][:140]}")
    pct = 100 * total["placed"] / max(total["cells"], 1)
    print(f"\ntotal: {total['cells']} printed cells, {total['placed']} placed ({pct:.2f}%), "
          f"{total['wrong']} wrong numbers stored, {total['held']} held in unmapped_cells; "
          f"printed-error cells stored: {total['stored_unverifiable']} of {total['unverifiable']}")
    print(f"time: {wall / pages:.2f} s wall and {cpu / pages:.2f} s CPU per table page "
          f"({pages:.0f} table pages)")
    targets = [("0 wrong numbers stored", total["wrong"] == 0),
               ("no printed-error cell stored", total["stored_unverifiable"] == 0),
               (">= 98% of printed cells placed", pct >= 98.0),
               ("<= 3 s per table page (wall)", wall / pages <= 3.0)]
    for what, ok in targets:
        print(f"  {'met    ' if ok else 'NOT MET'}  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
