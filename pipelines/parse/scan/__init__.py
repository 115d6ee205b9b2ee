"""Scanned (图片版) PDF reports: image pages → the same grids the text path produces.

    render at the embedded image's resolution → red seal ink dropped, deskew (image.py)
    → ruling lines, tables, cell regions incl. merged ones (ruling.py)
    → each cell recognised on its own (cells.py, engine.py)
    → Grid objects for the label-based normaliser, cell texts as `OcrText`
    + the title from page-level detection and recognition of the first page's top.

Pages without a ruled table are not recognised (only the first page's top, for the title):
recognition costs about a second a page, line finding a tenth.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium

from pipelines.parse.grid import Grid
from pipelines.parse.scan.cells import OcrText, read_tables, reread, reread_many  # noqa: F401
from pipelines.parse.scan.image import PageImage, render

TITLE_BAND = 0.3  # the share of the first page's height searched for the title
TITLE_LINES = 3  # the title is within the first lines of text


@dataclass
class ScanRead:
    pages: int
    grids: list[Grid] = field(default_factory=list)
    table_pages: list[int] = field(default_factory=list)
    title_text: str = ""
    image_pages: int = 0
    skew: dict[int, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    reason: str | None = None  # why nothing could be read, when nothing could


def _title_lines(page: PageImage, stop_y: int | None,
                 is_title: Callable[[str], bool] | None = None) -> str:
    """The first text lines of the first page's top (above its first table): lines found by
    the page's ink profile, recognised whole. The title is the first one or two: when
    `is_title` says the first line holds it, the others (wide lines of text) are not read."""
    from pipelines.parse.scan.cells import _bands, _clean
    from pipelines.parse.scan.engine import engine
    from pipelines.parse.scan.image import ink

    bottom = int(page.grey.shape[0] * TITLE_BAND)
    if stop_y is not None:
        bottom = min(bottom, stop_y)
    band = page.grey[:bottom]
    if band.size == 0:
        return ""
    binary = _clean(ink(band, page.scale), page.scale)
    margin = int(0.05 * band.shape[1])  # a scanner's dark border is not text
    binary[:, :margin] = 0
    binary[:, -margin:] = 0
    binary[: int(0.02 * page.grey.shape[0])] = 0
    crops = []
    for a, b in _bands(binary, page.scale)[:TITLE_LINES]:
        if b - a < 4 * page.scale:
            continue
        cols = np.nonzero(binary[a:b].any(axis=0))[0]
        pad = max(2, int(0.15 * (b - a)))
        crops.append(band[max(a - pad, 0):b + pad, max(cols[0] - pad, 0):cols[-1] + pad])
    if is_title is not None and crops:
        first = engine().read_lines(crops[:1])[0][0].text
        if is_title(first):
            return first
        return "\n".join([first] + [r[0].text for r in engine().read_lines(crops[1:])])
    return "\n".join(r[0].text for r in engine().read_lines(crops))


def read_scan(data: bytes, is_title: Callable[[str], bool] | None = None) -> ScanRead:
    """Read an image-only PDF's tables. Never raises for a bad page: it is left out.
    `is_title(text)`: whether a line of the first page's top is the title (the lines after it
    are then not recognised)."""
    from pipelines.parse.scan import ruling as ruling_mod

    def prepare(i: int):
        """Page i rendered, deskewed and its ruling found (None without an image). Runs in a
        thread of its own, one page ahead, so this image work overlaps the recognition of
        the page before (pdfium is only ever called from this one thread meanwhile)."""
        page = doc[i]
        try:
            img = render(page, i + 1)
        finally:
            page.close()
        return None if img is None else (img, ruling_mod.find(img.grey, img.scale))

    doc = pdfium.PdfDocument(data)
    try:
        out = ScanRead(pages=len(doc))
        t0 = time.perf_counter()
        first: tuple[PageImage, int | None] | None = None
        with ThreadPoolExecutor(1) as ahead:
            next_page = ahead.submit(prepare, 0) if len(doc) else None
            for i in range(len(doc)):
                prepared = next_page.result()
                if i + 1 < len(doc):
                    next_page = ahead.submit(prepare, i + 1)
                if prepared is None:
                    continue
                img, found = prepared
                out.image_pages += 1
                out.skew[i + 1] = round(img.skew, 2)
                if first is None:
                    first = (img, found.tables[0].y0 if found.tables else None)
                if not found.tables:
                    continue
                out.table_pages.append(i + 1)
                out.grids += read_tables(img, found)
        out.timings["ocr_tables_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        if first is not None:
            t1 = time.perf_counter()
            out.title_text = _title_lines(*first, is_title)
            out.timings["ocr_title_ms"] = round((time.perf_counter() - t1) * 1000, 1)
        if not out.image_pages:
            out.reason = f"no text layer and no image on any of its {out.pages} pages"
        elif not out.table_pages:
            out.reason = (f"scanned image: no ruled table found on any of its {out.pages} pages "
                          "(OCR needed by hand)")
        return out
    finally:
        doc.close()
