"""Scanned (图片版) PDFs: OCR grids through the same normaliser, then the arithmetic gate.

Called by `extract_document` only for a PDF without a text layer, so the OCR engine is
loaded only then (once per worker process).
"""

from __future__ import annotations

from pipelines.core.models import Fact, UnplacedCell
from pipelines.normalise.ocr_gate import gate
from pipelines.parse import scan


def _reread(text) -> list[tuple[str, float, bool]]:
    if not isinstance(text, scan.OcrText):
        return []
    return [(r.text, r.confidence, altered) for r, altered in scan.reread(text)]


def _reread_many(texts: list, altered: list[bool]) -> list[list[tuple[str, float, bool]]]:
    return [[(r.text, r.confidence, alt) for r, alt in readings]
            for readings in scan.reread_many(texts, altered)]


def verify(facts: list[Fact], unmapped: list[UnplacedCell]):
    """(facts the arithmetic confirms, unmapped incl. the rest, ocr_unverified findings)."""
    return gate(facts, unmapped, _reread, _reread_many)


def plain_fact(f: Fact) -> Fact:
    """The fact with plain text, its recognition confidence and its box on the page."""
    t = f.raw_text
    if isinstance(t, scan.OcrText):
        f.confidence = round(float(t.confidence), 4) if t.confidence is not None else None
        f.bbox = [round(float(v), 1) for v in t.bbox]
    f.raw_text = str(t)
    return f


def plain_unplaced(u: UnplacedCell) -> UnplacedCell:
    t = u.raw_text
    if isinstance(t, scan.OcrText):
        u.bbox = [round(float(v), 1) for v in t.bbox]
    u.raw_text, u.label = str(t), str(u.label)
    return u
