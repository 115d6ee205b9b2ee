"""Tables of a PDF report as grids: pdfium finds the pages, camelot reads their ruled grids."""

from __future__ import annotations

import bisect
import ctypes
import functools
import io
import logging
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.parse.camelot_import import import_camelot
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


@dataclass(slots=True, init=False)
class Glyph:
    char: str
    left: float
    bottom: float
    right: float
    top: float
    cx: float  # the centre, worked out once
    cy: float

    def __init__(self, char: str, left: float, bottom: float, right: float, top: float):
        # by hand, not __post_init__: tens of thousands a document
        self.char, self.left, self.bottom, self.right, self.top = char, left, bottom, right, top
        self.cx = (left + right) / 2
        self.cy = (bottom + top) / 2


@dataclass
class PdfRead:
    pages: int
    page_texts: list[str]
    table_pages: list[int] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    glyphs: dict[int, list[Glyph]] = field(default_factory=dict)  # ruled page → its glyphs
    ruling: bytes | None = None  # the ruled pages without their text, for camelot
    ruled_pages: list[int] = field(default_factory=list)  # the pages of `ruling`, in order
    # ruled page → its crop box (left, bottom, right, top) in PDF points: turns camelot's
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


def _plain(fn, restype):
    """pdfium's function `fn` called without pypdfium2's argument and result classes: about a
    third of the cost a call. Its arguments are passed as given (a pointer as a c_void_p, an
    int, a byref), so a pointer must never be passed as a Python int."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)


class _Pointer(ctypes.c_void_p):
    """A pointer result kept a pointer (with c_void_p itself it would come back an int)."""


_IS_GENERATED = _plain(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)
_UNICODE = _plain(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_LOOSE_BOX = _plain(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
_GET_OBJECT = _plain(pdfium_c.FPDFPage_GetObject, _Pointer)
_GET_TYPE = _plain(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)
_REMOVE_OBJECT = _plain(pdfium_c.FPDFPage_RemoveObject, ctypes.c_int)
_DESTROY = _plain(pdfium_c.FPDFPageObj_Destroy, None)
_NOT_DRAWN = frozenset((0, 0xFFFE, 0xFFFF, 0x0D, 0x0A, 0x02))


def _glyphs(textpage) -> PageGlyphs:
    """The page's drawn characters with their boxes; pdfium's invented spaces left out, and a
    glyph drawn again at nearly the same place (WPS's fake bold) kept once."""
    raw = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    n = pdfium_c.FPDFText_CountChars(textpage.raw)
    # Loose boxes: the font's full height for every glyph, spaces included, so a line's glyphs
    # share one vertical band. pdfium writes each glyph's box (an FS_RECTF: left, top, right,
    # bottom) straight into one array, read as a whole afterwards: thousands of glyphs a page.
    rects = (ctypes.c_float * (4 * n))()
    codes: list[int] = []
    generated, unicode, loose_box, not_drawn = _IS_GENERATED, _UNICODE, _LOOSE_BOX, _NOT_DRAWN
    byref, append = ctypes.byref, codes.append
    for i in range(n):
        if generated(raw, i) == 1:
            continue
        code = unicode(raw, i)
        if code in not_drawn:
            continue
        if loose_box(raw, i, byref(rects, 16 * len(codes))):  # the next free FS_RECTF
            append(code)
    if not codes:
        return PageGlyphs()
    left, top, right, bottom = (np.frombuffer(rects, dtype=np.float32, count=4 * len(codes))
                                .reshape(-1, 4).T.astype(float))
    out = list(map(Glyph, map(chr, codes), left.tolist(), bottom.tolist(), right.tolist(),
                   top.tolist()))
    code = np.array(codes, dtype=np.int64)
    space = np.isin(code, _space_codes())
    keep = _kept(out, code, left, bottom, space)
    boxes = np.vstack([left, bottom, right, top, (left + right) / 2, (bottom + top) / 2, space])
    return PageGlyphs([g for g, k in zip(out, keep.tolist()) if k], boxes[:, keep])


@functools.cache
def _space_codes() -> np.ndarray:
    """The code points str.isspace() holds true for (none above the BMP)."""
    return np.array([c for c in range(0x10000) if chr(c).isspace()], dtype=np.int64)


def dedupe_glyphs(glyphs: list[Glyph]) -> list[Glyph]:
    """A glyph drawn again at nearly the same place (fake bold) kept once, whatever order it
    was drawn in (glyph by glyph, or the whole string again): found by position, never by
    collapsing repeated characters ("11" and "1100" are real)."""
    n = len(glyphs)
    try:
        code = np.fromiter((ord(g.char) for g in glyphs), dtype=np.int64, count=n)
    except TypeError:  # a glyph of more than one character
        return [glyphs[i] for i in _dedupe(glyphs)]
    left = np.fromiter((g.left for g in glyphs), dtype=float, count=n)
    bottom = np.fromiter((g.bottom for g in glyphs), dtype=float, count=n)
    space = np.fromiter((g.char.isspace() for g in glyphs), dtype=bool, count=n)
    keep = _kept(glyphs, code, left, bottom, space)
    return [g for g, k in zip(glyphs, keep.tolist()) if k]


def _kept(glyphs: list[Glyph], code, left, bottom, space) -> np.ndarray:
    """Which glyphs dedupe_glyphs keeps. Only glyphs with a same character nearby can be a copy
    or have one: the others are kept and match nothing, so the look-up runs over the few that
    can."""
    keep = np.ones(len(glyphs), dtype=bool)
    maybe = _maybe_copies(code, left, bottom, space)
    if maybe:
        kept = {maybe[i] for i in _dedupe([glyphs[i] for i in maybe])}
        keep[[i for i in maybe if i not in kept]] = False
    return keep


def _maybe_copies(code, left, bottom, space) -> list[int]:
    """The positions, in drawing order, of the glyphs (not spaces) with another of the same
    character less than _BUCKET away in both directions."""
    n = len(code)
    if n < 2:
        return []
    order = np.lexsort((left, code))  # by character, then left to right
    code, left, bottom = code[order], left[order], bottom[order]
    near = np.zeros(n, dtype=bool)
    for k in range(1, n):  # each glyph against the k-th next of its character
        same = (code[k:] == code[:-k]) & (left[k:] - left[:-k] < _BUCKET)
        if not same.any():
            break  # further ones are further right, or another character
        pair = same & (np.abs(bottom[k:] - bottom[:-k]) < _BUCKET)
        near[k:] |= pair
        near[:-k] |= pair
    near[space[order]] = False
    return np.sort(order[near]).tolist()


def _dedupe(glyphs: list[Glyph]) -> list[int]:
    """The positions of the glyphs kept (see dedupe_glyphs)."""
    out: list[int] = []
    append = out.append
    # (char, x bucket, y bucket) → glyphs kept there
    near: dict[tuple[str, int, int], list[Glyph]] = {}
    get = near.get
    size = 2 * _BUCKET
    last = None  # the glyph kept last
    for i, g in enumerate(glyphs):
        ch = g.char
        if last is not None and last.char == ch and _same_glyph(last, g):
            continue
        if ch.isspace():
            append(i)
            last = g
            continue
        # Buckets twice the largest offset of a copy: a copy is in this bucket or in the
        # neighbour on the side of the nearer edge (4 look-ups, not 9).
        fx, fy = g.left / size, g.bottom / size
        bx, by = int(fx // 1), int(fy // 1)
        nx = bx - 1 if fx - bx < 0.5 else bx + 1
        ny = by - 1 if fy - by < 0.5 else by + 1
        here = (ch, bx, by)
        kept = get(here)
        found = (kept, get((ch, nx, by)), get((ch, bx, ny)), get((ch, nx, ny)))
        if found != (None, None, None, None) and any(
                _same_glyph(k, g) for ks in found if ks for k in ks):
            continue
        if kept is None:
            near[here] = [g]
        else:
            kept.append(g)
        append(i)
        last = g
    return out


_BUCKET = 3.0  # points: a fake-bold copy is drawn well under this far from the first


def _same_glyph(a: Glyph, b: Glyph) -> bool:
    """Drawn twice, offset by a fraction of its size: the same glyph, not "11" or "1100"."""
    if a.char != b.char or a.char.isspace():
        return False
    w = max(a.right - a.left, b.right - b.left, 1.0)
    h = max(a.top - a.bottom, b.top - b.bottom, 1.0)
    return (abs(a.left - b.left) < min(0.35 * w, _BUCKET)
            and abs(a.bottom - b.bottom) < min(0.35 * h, _BUCKET))


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
        ruled = {}  # page → its objects, for the table pages with ruling
        for p in read.table_pages:
            page, textpage = textpages[p - 1]
            objects = _objects(page)
            if not any(kind in _RULING_KINDS for _, kind in objects):
                continue  # no line on the page: camelot would find no table there
            ruled[p] = objects
            read.glyphs[p] = _glyphs(textpage)
            read.page_boxes[p] = tuple(float(v) for v in page.get_cropbox())
            textpage.close()  # its text is read: the page loses it in place
        if ruled:
            read.ruled_pages = list(ruled)
            read.ruling = _ruling_only(doc, {p: (textpages[p - 1][0], objects)
                                             for p, objects in ruled.items()})
        return read
    finally:
        for page, textpage in textpages:
            textpage.close()
            page.close()
        doc.close()


# Object kinds that can draw a table's ruling: paths, and forms (which may hold paths). camelot
# (engine="vector") takes its lines from paths alone: text, images and shadings draw none.
_RULING_KINDS = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM)


def _objects(page) -> list[tuple[_Pointer, int]]:
    """The page's objects in drawing order, each with its kind (FPDF_PAGEOBJ_*)."""
    raw = ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value)
    get_object, get_type = _GET_OBJECT, _GET_TYPE
    objects = [get_object(raw, k) for k in range(pdfium_c.FPDFPage_CountObjects(page.raw))]
    return [(obj, get_type(obj)) for obj in objects]


def _ruling_only(doc, pages: dict[int, tuple]) -> bytes:
    """The ruled table pages as a new PDF without their text: all camelot has to read is the
    ruling. `pages`: page number → (the loaded page, its objects as _objects gives them).

    Cell text comes from pdfium's glyphs, so camelot's own text analysis (most of its time)
    would be thrown away. One text object per page is kept: camelot skips pages with none.
    The text objects go from the document's own pages, which are then copied into the new PDF.
    """
    text, remove, destroy = pdfium_c.FPDF_PAGEOBJ_TEXT, _REMOVE_OBJECT, _DESTROY
    for page, objects in pages.values():
        raw = ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value)
        texts = [obj for obj, kind in objects if kind == text]
        # the last one drawn is kept
        for obj in reversed(texts[:-1]):
            remove(raw, obj)
            destroy(obj)
        page.gen_content()
    out = pdfium.PdfDocument.new()
    try:
        out.import_pages(doc, [p - 1 for p in pages])
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()


class PageGlyphs(list):
    """A page's glyphs, with what every table of the page reads from them worked out once:
    the glyph boxes and centres as arrays, and the vertical runs."""

    __slots__ = ("_runs", "_boxes")

    def __init__(self, glyphs=(), boxes: np.ndarray | None = None):
        super().__init__(glyphs)
        self._runs = None
        self._boxes = boxes  # as boxes() gives them

    def boxes(self) -> np.ndarray:
        """One row a glyph: left, bottom, right, top, cx, cy, and 1 for a space."""
        if self._boxes is None:
            self._boxes = np.array([[g.left for g in self], [g.bottom for g in self],
                                    [g.right for g in self], [g.top for g in self],
                                    [g.cx for g in self], [g.cy for g in self],
                                    [g.char.isspace() for g in self]], dtype=float).reshape(7, -1)
        return self._boxes

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        boxes = self.boxes()
        return boxes[4], boxes[5]

    def runs(self) -> list[list[int]]:
        """Runs of glyphs written top to bottom (vertical text, Identity-V or one character
        per line), as positions in the page: consecutive in drawing order (spaces aside), one
        above the next with no gap wider than half a glyph, their centres on one vertical line.
        Runs of three glyphs or more. All pairs of the page at once."""
        if self._runs is None:
            self._runs = []
            boxes = self.boxes()
            at = np.flatnonzero(boxes[6] == 0)
            if len(at) >= 3:
                left, bottom, right, top, cx = boxes[:5, at]
                width, height = right - left, top - bottom
                w = np.maximum(np.maximum(width[:-1], width[1:]), 1.0)
                h = np.maximum(np.maximum(height[:-1], height[1:]), 1.0)
                p_bottom, g_top = bottom[:-1], top[1:]
                # link[k]: glyph k + 1 goes on the run of glyph k
                link = ((g_top <= p_bottom + 0.25 * h) & (p_bottom - g_top <= 0.5 * h)
                        & (np.abs(cx[1:] - cx[:-1]) <= 0.25 * w))
                # runs of two links or more: three glyphs or more
                edges = np.diff(np.concatenate(([0], link.astype(np.int8), [0])))
                starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
                at = at.tolist()
                self._runs = [at[s0:e0 + 1] for s0, e0 in zip(starts.tolist(), ends.tolist())
                              if e0 - s0 >= 2]
        return self._runs


def _lines_text(glyphs: list[Glyph], runs: list[list[Glyph]] = ()) -> str:
    """A cell's text, line by line: glyphs grouped into lines by baseline (within half a glyph
    height of the line's first glyph: a glyph never chains two lines together), lines top to
    bottom, glyphs left to right; a vertical run is a line of its own, read top to bottom."""
    if not runs:
        if not glyphs:
            return ""
        if len(glyphs) == 1:
            return glyphs[0].char.strip()
    # (baseline, text): a line by its baseline, a vertical run by its first glyph's
    lines: list[tuple[float, str]] = [(run[0].bottom, "".join(g.char for g in run))
                                      for run in runs]
    if glyphs:
        ordered = sorted(glyphs, key=_reading_order)
        current: list[Glyph] = []
        first_bottom = first_height = 0.0
        for g in ordered:
            if current:
                tol = 0.5 * min(first_height, g.top - g.bottom)
                if first_bottom - g.bottom <= max(tol, 0.5):
                    current.append(g)
                    continue
                lines.append(_line(current))
            current = [g]
            first_bottom, first_height = g.bottom, g.top - g.bottom
        lines.append(_line(current))
    if len(lines) > 1:
        lines.sort(key=lambda tl: -tl[0])
    return "\n".join(t.strip() for _, t in lines).strip()


def _reading_order(g: Glyph) -> tuple[float, float]:
    return -g.bottom, g.left


def _left(g: Glyph) -> float:
    return g.left


def _line(glyphs: list[Glyph]) -> tuple[float, str]:
    if len(glyphs) == 1:
        return glyphs[0].bottom, glyphs[0].char
    return (glyphs[0].bottom,
            "".join(g.char for g in sorted(glyphs, key=_left)))


def _locator(table):
    """(x, y) → the grid position (row, col) it falls in, or None outside the table."""
    lefts = [float(x0) for x0, _ in table.cols]
    rights = [float(x1) for _, x1 in table.cols]
    tops = [-float(y0) for y0, _ in table.rows]  # rows run top to bottom, PDF y grows upwards
    bottoms = [float(y1) for _, y1 in table.rows]
    find = bisect.bisect_right

    def position(x: float, y: float) -> tuple[int, int] | None:
        c = find(lefts, x) - 1
        r = find(tops, -y) - 1
        if c < 0 or r < 0 or x > rights[c] or y < bottoms[r]:
            return None
        return r, c

    return position


def _positions(table, page: PageGlyphs, n_cols: int) -> tuple[list[int], list[int]]:
    """Every glyph of the page in the table: its index in the page and its grid position
    (row × columns + column), in the page's order; the same positions _locator gives."""
    lefts = np.array([float(x0) for x0, _ in table.cols], dtype=float)
    rights = np.array([float(x1) for _, x1 in table.cols], dtype=float)
    tops = np.array([-float(y0) for y0, _ in table.rows], dtype=float)
    bottoms = np.array([float(y1) for _, y1 in table.rows], dtype=float)
    if not len(page) or not len(lefts) or not len(tops):
        return [], []
    if np.any(np.diff(lefts) < 0) or np.any(np.diff(tops) < 0):  # never seen: bisect's answer
        position = _locator(table)
        inside = [(i, position(g.cx, g.cy)) for i, g in enumerate(page)]
        return ([i for i, pos in inside if pos is not None],
                [pos[0] * n_cols + pos[1] for _, pos in inside if pos is not None])
    cx, cy = page.centres()
    c = np.searchsorted(lefts, cx, side="right") - 1
    r = np.searchsorted(tops, -cy, side="right") - 1
    ok = (c >= 0) & (r >= 0)
    c0, r0 = np.where(ok, c, 0), np.where(ok, r, 0)
    ok &= (cx <= rights[c0]) & (cy >= bottoms[r0])
    index = np.flatnonzero(ok)
    return index.tolist(), (r0[index] * n_cols + c0[index]).tolist()


def camelot_grid(table, glyphs: list[Glyph],
                 page_box: tuple[float, float, float, float] | None = None) -> Grid:
    """camelot's cells → one grid cell per merged region (cells with no ruling between them),
    its text from pdfium's glyphs (camelot reads a text-free copy of the page), its box from
    the region's ruling (points from the page's top-left; `page_box` is the crop box).

    A glyph belongs to the region its centre falls in. A vertical run is placed whole: when its
    glyphs fall in several regions (its boxes pushed over the ruling into the next column, as
    pdfium reports some producers' Identity-V text), it belongs to the nearest region whose
    rows hold the whole run, so none of its glyphs joins a neighbouring cell's text."""
    page = glyphs if isinstance(glyphs, PageGlyphs) else PageGlyphs(glyphs)
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
    text_of: dict[int, list[Glyph]] = {}
    runs_of: dict[int, list[list[Glyph]]] = {}
    in_run: set[int] = set()
    _position = _locator(table)
    for run_at in page.runs():
        run = [page[i] for i in run_at]
        where = {_position(g.cx, g.cy) for g in run}
        if None in where:
            continue
        owner = _run_owner(table, run, where, find, n_cols)
        if owner is None:
            continue  # placed glyph by glyph, by centre
        runs_of.setdefault(owner, []).append(run)
        in_run.update(run_at)
    root_of = [find(i) for i in range(n_rows * n_cols)]
    for i, at in zip(*_positions(table, page, n_cols)):
        if i not in in_run:
            root = root_of[at]
            if root in text_of:
                text_of[root].append(page[i])
            else:
                text_of[root] = [page[i]]
    spans = []
    if page_box is not None:  # each edge of the ruling from the page's top-left, once
        left, _, _, top = page_box
        x0s = [round(float(x0) - left, 2) for x0, _ in table.cols]
        x1s = [round(float(x1) - left, 2) for _, x1 in table.cols]
        y0s = [round(top - float(y0), 2) for y0, _ in table.rows]
        y1s = [round(top - float(y1), 2) for _, y1 in table.rows]
    no_text = ()
    for root, members in regions.items():
        text = _lines_text(text_of.get(root, no_text), runs_of.get(root, no_text))
        if len(members) == 1:
            r0, c0 = r1, c1 = members[0]
        else:
            rows = [m[0] for m in members]
            cols = [m[1] for m in members]
            r0, r1, c0, c1 = min(rows), max(rows), min(cols), max(cols)
        bbox = None if page_box is None else (x0s[c0], y0s[r0], x1s[c1], y1s[r1])
        spans.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1, text, bbox))
    return from_spans(spans, n_rows, n_cols, page=int(table.page),
                      col_x=[(float(x0), float(x1)) for x0, x1 in table.cols])


def _run_owner(table, run, where, find, n_cols: int) -> int | None:
    """The region a vertical run belongs to: one region holding all the rows the run crosses.

    A run whose glyph boxes all straddle one column ruling belongs to one of the two columns:
    the one whose single region holds the whole run (the side of the centres first)."""
    rows = range(min(r for r, _ in where), max(r for r, _ in where) + 1)

    def whole(c: int) -> int | None:
        if not 0 <= c < n_cols:
            return None
        roots = {find(r * n_cols + c) for r in rows}
        return roots.pop() if len(roots) == 1 else None

    cols = {c for _, c in where}
    if len(cols) > 1:
        return None
    col = cols.pop()
    left, right = (float(x) for x in table.cols[col])
    sides = []
    if all(g.left < left < g.right for g in run):
        sides.append(col - 1)
    if all(g.left < right < g.right for g in run):
        sides.append(col + 1)
    for c in [col, *sides]:
        owner = whole(c)
        if owner is not None:
            return owner
    return None


def read_tables(data: bytes, read: PdfRead) -> None:
    """Fill read.grids from the ruled pages that hold table words (the others cost nothing)."""
    if not read.ruled_pages:
        return
    camelot, lattice = import_camelot()  # heavy import, only where a PDF has tables
    logging.getLogger("camelot").setLevel(logging.ERROR)
    # camelot drops ruled grids that hold almost no text as detection noise; the PDF it reads
    # here has no text by design, so that gate is off (an empty grid places nothing anyway).
    lattice._GRID_WHITESPACE_REJECT = 101.0
    tables = camelot.read_pdf(
        io.BytesIO(read.ruling),
        pages=",".join(str(i + 1) for i in range(len(read.ruled_pages))),
        flavor="lattice",
        engine="vector",
        suppress_stdout=True,
        layout_kwargs={"boxes_flow": None},
    )
    page_of = {i + 1: p for i, p in enumerate(read.ruled_pages)}
    # Reading order: page, then top to bottom (PDF y grows upwards).
    ordered = sorted(tables, key=lambda t: (int(t.page), -t.rows[0][0] if t.rows else 0))
    for t in ordered:
        page = page_of[int(t.page)]
        t.page = page
        read.grids.append(camelot_grid(t, read.glyphs[page], read.page_boxes.get(page)))
