#!/usr/bin/env python3
"""One side of an interleaved A/B of the PDF path (not collected by pytest).

    python tests/benchmarks/pdf_ab.py ROOT [MODULE]

Imports `extract_document` from MODULE (default `pipelines.document.document`; before issue
9's layering it was `pipelines.extract.document`) of the code at ROOT (a checkout or a
`git worktree`), and reads with it every PDF of THIS checkout's corpus
(tests/fixtures/corpus/docs) except the scans, in one process. Nothing is printed: time two
codes against each other as whole processes, run in turn, e.g.

    git worktree add /tmp/before b706141
    python tests/benchmarks/interleave.py -n 10 -- 'python tests/benchmarks/pdf_ab.py .' \\
        'python tests/benchmarks/pdf_ab.py /tmp/before pipelines.extract.document'

and quote the median A/B ratio (pairs keep the ratio fair while the machine's speed drifts).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "docs"
SCANS = {"S01_bh-gov_2022.pdf", "S02_sq-ltz_2021.pdf"}  # OCR now, needs_ocr before: not comparable


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(argv[0]).resolve()))
    module = argv[1] if len(argv) > 1 else "pipelines.document.document"
    extract_document = importlib.import_module(module).extract_document
    for pdf in sorted(CORPUS.glob("*.pdf")):
        if pdf.name not in SCANS:
            extract_document(pdf.read_bytes(), "pdf")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
