"""Scanned (图片版) PDFs: OCR grids through the same normaliser, then the arithmetic gate.

Called by `extract_document` only for a PDF without a text layer, so the OCR engine is
loaded only then (once per worker process).
"""

from __future__ import annotations

from pipelines.normalise.model import Fact, Unmapped
from pipelines.normalise.ocr_gate import gate
from pipelines.parse import scan


def _reread(text) -> list[tuple[str, float, bool]]:
    if not isinstance(text, scan.OcrText):
        return []
    return [(r.text, r.confidence, altered) for r, altered in scan.reread(text)]


def verify(facts: list[Fact], unmapped: list[Unmapped]):
    """(facts the arithmetic confirms, unmapped incl. the rest, ocr_unverified findings)."""
    return gate(facts, unmapped, _reread)


def fact_record(f: Fact) -> dict:
    """A fact as a result record: plain text, plus the recognition's confidence and box."""
    rec = dict(vars(f))
    t = f.raw_text
    rec["raw_text"] = str(t)
    rec["confidence"] = (round(float(t.confidence), 4)
                         if isinstance(t, scan.OcrText) and t.confidence is not None else None)
    rec["bbox"] = ([round(v, 1) for v in t.bbox] if isinstance(t, scan.OcrText) else None)
    return rec


def unmapped_record(u: Unmapped) -> dict:
    rec = dict(vars(u))
    rec["raw_text"] = str(u.raw_text)
    rec["label"] = str(u.label)
    return rec
