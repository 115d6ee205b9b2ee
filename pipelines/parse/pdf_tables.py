"""Tables of a PDF report as grids: pdfium finds the pages, camelot reads their ruled grids."""

from __future__ import annotations

import bisect
import ctypes
import io
import logging
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.parse.grid import Grid, from_spans
from pipelines.core.registry import dimensions
from pipelines.core.spec import SECTION_WORDS
from pipelines.core.text import norm

# Words that put a page in the running for camelot: every section's header words and every
# label of the template, since a continuation page may carry only a few rows and no header.
_TABLE_WORDS = tuple({w for ws in SECTION_WORDS.values() for w in ws}
                     | {w for _, d in dimensions() for c in d.codes for w in c.words if len(w) >= 2}
                     | {"行政诉讼", "信息内容"})
MIN_TEXT_CHARS = 30  # below this over the whole document there is no usable text layer


class UnreadablePdf(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Glyph:
    char: str
    left: float
    bottom: float
    right: float
    top: float

    cx: float = 0.0
    cy: float = 0.0

    def __post_init__(self):
        self.cx = (self.left + self.right) / 2
        self.cy = (self.bottom + self.top) / 2


@dataclass
class PdfRead:
    pages: int
    page_texts: list[str]
    table_pages: list[int] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    glyphs: dict[int, list[Glyph]] = field(default_factory=dict)  # page → its glyphs
    ruling: bytes | None = None  # the table pages without their text, for camelot
    # page → its crop box (left, bottom, right, top) in PDF points: turns camelot's
    # bottom-up coordinates into the top-left ones of a cell's bbox (and of a rendering)
    page_boxes: dict[int, tuple[float, float, float, float]] = field(default_factory=dict)


def _check_container(data: bytes) -> None:
    head = data[:1024].lstrip()
    if b"%PDF-" not in head:  # some generators put junk before the header; readers accept it
        low = head[:200].lower()
        if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<head" in low:
            raise UnreadablePdf("failed", "not a PDF: the server returned an HTML page")
        raise UnreadablePdf("failed", f"not a PDF: starts with {data[:8]!r}")
    if b"%%EOF" not in data[-2048:]:
        raise UnreadablePdf("failed", f"truncated PDF: no %%EOF trailer in its last bytes "
                                      f"({len(data)} bytes received)")


def _glyphs(textpage) -> list[Glyph]:
    """The page's drawn characters with their boxes; pdfium's invented spaces left out, and a
    glyph drawn again at nearly the same place (WPS's fake bold) kept once."""
    out: list[Glyph] = []
    raw = textpage.raw
    # Loose boxes: the font's full height for every glyph, spaces included, so a line's glyphs
    # share one vertical band. Raw calls with one reused struct: thousands of glyphs a page.
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in (0, 0xFFFE, 0xFFFF, 0x0D, 0x0A, 0x02):
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, ref):
            continue
        g = Glyph(chr(code), rect.left, rect.bottom, rect.right, rect.top)
        if out and _same_glyph(out[-1], g):
            continue
        out.append(g)
    return out


def _same_glyph(a: Glyph, b: Glyph) -> bool:
    """Drawn twice, offset by a fraction of its size: the same glyph, not "11" or "1100"."""
    if a.char != b.char or a.char.isspace():
        return False
    w = max(a.right - a.left, b.right - b.left, 1.0)
    h = max(a.top - a.bottom, b.top - b.bottom, 1.0)
    return abs(a.left - b.left) < 0.35 * w and abs(a.bottom - b.bottom) < 0.35 * h


def read_text(data: bytes) -> PdfRead:
    """Open the PDF once with pdfium: every page's text, and the glyphs of table pages."""
    _check_container(data)
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise UnreadablePdf("failed", "encrypted PDF: a password is required to open it")
        raise UnreadablePdf("failed", f"unreadable PDF: {msg}")
    try:
        texts, textpages = [], []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpages.append((page, textpage))
        read = PdfRead(pages=len(texts), page_texts=texts)
        if sum(len(norm(t)) for t in texts) < MIN_TEXT_CHARS:
            raise UnreadablePdf("needs_ocr", f"no text layer on any of its {len(texts)} pages "
                                             "(a scanned image; OCR needed)")
        named = {i + 1 for i, t in enumerate(texts) if any(w in norm(t) for w in _TABLE_WORDS)}
        # The page after a table page too: a table can run on with rows no word above names.
        read.table_pages = sorted(p for p in named | {p + 1 for p in named} if p <= len(texts))
        for p in read.table_pages:
            read.glyphs[p] = _glyphs(textpages[p - 1][1])
            read.page_boxes[p] = tuple(float(v) for v in textpages[p - 1][0].get_cropbox())
        if read.table_pages:
            read.ruling = _ruling_only(doc, read.table_pages)
        return read
    finally:
        for page, textpage in textpages:
            textpage.close()
            page.close()
        doc.close()


def _ruling_only(doc, pages: list[int]) -> bytes:
    """The table pages as a new PDF without their text: all camelot has to read is the ruling.

    Cell text comes from pdfium's glyphs, so camelot's own text analysis (most of its time)
    would be thrown away. One text object per page is kept: camelot skips pages with none.
    """
    out = pdfium.PdfDocument.new()
    try:
        out.import_pages(doc, [p - 1 for p in pages])
        for i in range(len(out)):
            page = out[i]
            kept = False
            for k in reversed(range(pdfium_c.FPDFPage_CountObjects(page.raw))):
                obj = pdfium_c.FPDFPage_GetObject(page.raw, k)
                if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                if not kept:
                    kept = True
                    continue
                pdfium_c.FPDFPage_RemoveObject(page.raw, obj)
                pdfium_c.FPDFPageObj_Destroy(obj)
            page.gen_content()
            page.close()
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()


def _lines_text(glyphs: list[Glyph]) -> str:
    """Glyphs of one cell as lines top to bottom, each left to right."""
    if not glyphs:
        return ""
    glyphs = sorted(glyphs, key=lambda g: (-g.cy, g.left))
    lines: list[list[Glyph]] = []
    low = high = 0.0
    for g in glyphs:
        if lines and low <= g.cy <= high:
            lines[-1].append(g)
            low, high = min(low, g.bottom), max(high, g.top)
        else:
            lines.append([g])
            low, high = g.bottom, g.top
    return "\n".join("".join(g.char for g in sorted(line, key=lambda g: g.left)).strip()
                     for line in lines).strip()


def _glyphs_by_cell(glyphs: list[Glyph], table) -> dict[tuple[int, int], list[Glyph]]:
    """Each glyph to the grid position its centre falls in (one pass, by bisection)."""
    lefts = [float(x0) for x0, _ in table.cols]
    tops = [-float(y0) for y0, _ in table.rows]  # rows run top to bottom, PDF y grows upwards
    out: dict[tuple[int, int], list[Glyph]] = {}
    for g in glyphs:
        c = bisect.bisect_right(lefts, g.cx) - 1
        r = bisect.bisect_right(tops, -g.cy) - 1
        if c < 0 or r < 0 or g.cx > table.cols[c][1] or g.cy < table.rows[r][1]:
            continue
        out.setdefault((r, c), []).append(g)
    return out


def camelot_grid(table, glyphs: list[Glyph],
                 page_box: tuple[float, float, float, float] | None = None) -> Grid:
    """camelot's cells → one grid cell per merged region (cells with no ruling between them),
    its text from pdfium's glyphs (camelot reads a text-free copy of the page), its box from
    the region's ruling (points from the page's top-left; `page_box` is the crop box)."""
    cells = table.cells
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not (cells[r][c].right or cells[r][c + 1].left):
                parent[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and not (cells[r][c].bottom or cells[r + 1][c].top):
                parent[find(r * n_cols + c)] = find((r + 1) * n_cols + c)
    regions: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            regions.setdefault(find(r * n_cols + c), []).append((r, c))
    placed = _glyphs_by_cell(glyphs, table)
    spans = []
    for members in regions.values():
        rows = [m[0] for m in members]
        cols = [m[1] for m in members]
        text = _lines_text([g for m in members for g in placed.get(m, ())])
        r0, r1, c0, c1 = min(rows), max(rows), min(cols), max(cols)
        bbox = None
        if page_box is not None:
            left, _, _, top = page_box
            bbox = (round(float(table.cols[c0][0]) - left, 2), round(top - float(table.rows[r0][0]), 2),
                    round(float(table.cols[c1][1]) - left, 2), round(top - float(table.rows[r1][1]), 2))
        spans.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1, text, bbox))
    return from_spans(spans, n_rows, n_cols, page=int(table.page),
                      col_x=[(float(x0), float(x1)) for x0, x1 in table.cols])


def _without_camelot_plotting() -> None:
    """camelot imports its plotting helpers (matplotlib, about 30 MiB in every process that
    reads a PDF) at import; they are never used here, so an empty module stands in for them."""
    import sys
    import types

    if "camelot" not in sys.modules and "camelot.plotting" not in sys.modules:
        stub = types.ModuleType("camelot.plotting")
        stub.PlotMethods = lambda: None  # camelot/__init__.py: plot = PlotMethods()
        sys.modules["camelot.plotting"] = stub


def read_tables(data: bytes, read: PdfRead) -> None:
    """Fill read.grids from the pages that hold table words (the others cost nothing)."""
    if not read.table_pages:
        return
    _without_camelot_plotting()
    import camelot  # heavy import, only where a PDF has tables

    import camelot.parsers.lattice as lattice

    logging.getLogger("camelot").setLevel(logging.ERROR)
    # camelot drops ruled grids that hold almost no text as detection noise; the PDF it reads
    # here has no text by design, so that gate is off (an empty grid places nothing anyway).
    lattice._GRID_WHITESPACE_REJECT = 101.0
    tables = camelot.read_pdf(
        io.BytesIO(read.ruling),
        pages=",".join(str(i + 1) for i in range(len(read.table_pages))),
        flavor="lattice",
        engine="vector",
        suppress_stdout=True,
        layout_kwargs={"boxes_flow": None},
    )
    page_of = {i + 1: p for i, p in enumerate(read.table_pages)}
    # Reading order: page, then top to bottom (PDF y grows upwards).
    ordered = sorted(tables, key=lambda t: (int(t.page), -t.rows[0][0] if t.rows else 0))
    for t in ordered:
        page = page_of[int(t.page)]
        t.page = page
        read.grids.append(camelot_grid(t, read.glyphs[page], read.page_boxes.get(page)))
