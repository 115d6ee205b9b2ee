"""Each table cell recognised on its own: cropped tight to its ink, ruling masked out, split
into text lines, each line read by the engine.

Measured pitfalls of the models on table cells, and what is done about them here:
- a value cell's digits read as letters or punctuation ("0" as 。/o/O/U/D/C): a cell whose
  free reading holds no Chinese word is decoded again restricted to what a number cell can
  print (same inference, `Engine.read_lines`);
- a lone "/" read as "1" or "7": the ink's slant and the absence of a top bar decide;
- "—" read as nothing: a lone flat stroke is a dash, "—" or "-" by its length;
- whole-page recognition misses one-character cells: every cell is read on its own.
The engine's confidence does not flag wrong digits; the table's arithmetic does
(`pipelines.normalise.ocr_gate`), with `reread` giving it other readings to try.
"""

from __future__ import annotations

import math
import re

import cv2
import numpy as np

from pipelines.parse.grid import Grid, from_spans
from pipelines.parse.scan.engine import NUMBER_CHARS, Reading, engine
from pipelines.parse.scan.image import PageImage
from pipelines.parse.scan.ruling import Ruling, TableImage

NOMINAL_WIDTH = 480.0  # points: about a table's width on A4
_CJK = re.compile(r"[\u3400-\u9fff]")
_SLASH_LIKE = set("17/lI|")
_DASH_LIKE = set("-—－一_~")


class OcrText(str):
    """A cell's recognised text that keeps where it came from and how sure the engine was.

    It passes through the normaliser as the string it is; facts and unplaced cells made from
    it keep the object, so the document step can give them `confidence` and the arithmetic
    gate can read the cell again (`crop`)."""

    page: int
    bbox: tuple[float, float, float, float]  # PDF points [x0, top, x1, bottom], upright page
    confidence: float | None
    crop: np.ndarray | None  # the cell's grey image, ruling masked, for a second reading
    numeric: bool  # read with the number-cell alphabet

    @classmethod
    def make(cls, text: str, page: int, bbox, confidence, crop, numeric) -> "OcrText":
        t = cls(text)
        t.page, t.bbox, t.confidence, t.crop, t.numeric = page, bbox, confidence, crop, numeric
        return t


def _clean(binary: np.ndarray, scale: float) -> np.ndarray:
    """Specks away: tiny blobs far from any larger ink (a decimal point sits beside digits,
    so it stays)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return binary
    small = (2.0 * scale) ** 2  # about 2 points square: smaller than a stroke-rich glyph
    big = [k for k in range(1, n) if stats[k, 4] >= small]
    if not big:
        return np.zeros_like(binary)
    keep = np.zeros(n, bool)
    keep[big] = True
    reach = 4 * scale
    boxes = stats[big]
    for k in range(1, n):
        if keep[k]:
            continue
        x, y, w, h, _ = stats[k]
        cx, cy = x + w / 2, y + h / 2
        dx = np.maximum(0, np.maximum(boxes[:, 0] - cx, cx - (boxes[:, 0] + boxes[:, 2])))
        dy = np.maximum(0, np.maximum(boxes[:, 1] - cy, cy - (boxes[:, 1] + boxes[:, 3])))
        keep[k] = bool((np.hypot(dx, dy) <= reach).any())
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _bands(ink: np.ndarray, scale: float) -> list[tuple[int, int]]:
    """Text lines of a cell: runs of rows holding ink, small gaps closed."""
    rows = ink.any(axis=1)
    bands, start = [], None
    for y, on in enumerate(rows):
        if on and start is None:
            start = y
        elif not on and start is not None:
            bands.append([start, y])
            start = None
    if start is not None:
        bands.append([start, len(rows)])
    gap = max(1, int(0.6 * scale))
    merged: list[list[int]] = []
    for b in bands:
        if merged and b[0] - merged[-1][1] <= gap:
            merged[-1][1] = b[1]
        else:
            merged.append(b)
    if not merged:
        return []
    # A band much thinner than the others (a dot, an accent, the tail of a comma) joins the
    # band nearest to it.
    tall = max(b[1] - b[0] for b in merged)
    out: list[list[int]] = []
    for b in merged:
        if b[1] - b[0] < 0.35 * tall and out and b[0] - out[-1][1] < 0.5 * tall:
            out[-1][1] = b[1]
        elif out and out[-1][1] - out[-1][0] < 0.35 * tall and b[0] - out[-1][1] < 0.5 * tall:
            out[-1][1] = b[1]
        else:
            out.append(b)
    return [(a, b) for a, b in out]


class CellImage:
    """One region's cropped, masked grey image and its text lines."""

    def __init__(self, page: PageImage, ruling: Ruling, x0, y0, x1, y1):
        self.box = (x0, y0, x1, y1)
        grey = page.grey[y0:y1, x0:x1].copy()
        lines = ruling.lines[y0:y1, x0:x1] > 0
        grey[lines] = 255
        ink = ruling.binary[y0:y1, x0:x1].copy()
        ink[lines] = 0
        self.ink = _clean(ink, page.scale)
        self.grey = grey
        self.scale = page.scale
        self.lines: list[np.ndarray] = []
        self.line_boxes: list[tuple[int, int, int, int]] = []
        for a, b in _bands(self.ink, page.scale):
            cols = np.nonzero(self.ink[a:b].any(axis=0))[0]
            c0, c1 = int(cols[0]), int(cols[-1]) + 1
            # A thin margin of paper: the model wants some, but every column of it costs.
            vpad, hpad = max(2, int(0.12 * (b - a))), max(2, int(0.08 * (b - a)))
            ya, yb = max(a - vpad, 0), min(b + vpad, grey.shape[0])
            xa, xb = max(c0 - hpad, 0), min(c1 + hpad, grey.shape[1])
            crop = np.full((b - a + 2 * vpad, c1 - c0 + 2 * hpad), 255, np.uint8)
            crop[ya - (a - vpad):ya - (a - vpad) + yb - ya,
                 xa - (c0 - hpad):xa - (c0 - hpad) + xb - xa] = grey[ya:yb, xa:xb]
            self.lines.append(crop)
            self.line_boxes.append((c0, a, c1, b))

    def single_stroke(self) -> np.ndarray | None:
        """The cell's ink when it is one connected stroke (a lone character or mark)."""
        n, labels, stats, _ = cv2.connectedComponentsWithStats(self.ink, connectivity=8)
        if n != 2:
            return None
        x, y, w, h, _ = stats[1]
        return (labels[y:y + h, x:x + w] == 1)


def _slash(stroke: np.ndarray) -> bool:
    """A "/" (not "1" or "7"): its ink leans (the principal axis is well off vertical, top to
    the right) and has no bar across its top."""
    h, w = stroke.shape
    if h < 5:
        return False
    ys, xs = np.nonzero(stroke)
    cov = np.cov(np.vstack([xs.astype(float), ys.astype(float)]))
    evals, evecs = np.linalg.eigh(cov)
    vx, vy = evecs[:, np.argmax(evals)]
    lean = math.degrees(math.atan2(abs(vx), abs(vy)))  # 0 = vertical
    rising = vx * vy < 0  # x grows as y falls: top to the right
    top = stroke[: max(1, h // 6)]
    bar = top.any(axis=0).sum() / max(w, 1)
    return lean > 12 and rising and bar < 0.55


def _dash(stroke: np.ndarray, scale: float) -> str | None:
    h, w = stroke.shape
    if w >= 2.5 * h and h <= 2.5 * scale:
        return "—" if w >= 6 * scale else "-"
    return None


def cell_text(cell: CellImage, readings: list[tuple[Reading, Reading]]) -> tuple[str, float | None, bool]:
    """(text, confidence, numeric) of a cell from its lines' readings."""
    if not cell.lines:
        return "", None, False
    free = [r[0] for r in readings]
    if len(readings) == 1:
        number = readings[0][1]
        stroke = cell.single_stroke()
        if stroke is not None:
            if not free[0].text or set(free[0].text) <= _DASH_LIKE:
                dash = _dash(stroke, cell.scale)
                if dash:
                    return dash, free[0].confidence, True
            if number.text and set(number.text) <= _SLASH_LIKE and len(number.text) == 1:
                if _slash(stroke):
                    return "/", number.confidence, True
                if number.text == "/":
                    return "1", number.confidence, True  # upright stroke: a one
        if not _CJK.search(free[0].text.replace("减少", "").replace("增加", "")
                           .translate({ord(c): None for c in NUMBER_CHARS})):
            return number.text, number.confidence, True
    text = "\n".join(r.text for r in free if r.text)
    conf = min((r.confidence for r in free if r.text), default=None)
    return text, conf, False


def reread(text: OcrText, altered: bool = True) -> list[tuple[Reading, bool]]:
    """Other readings of a number cell, restricted to the number alphabet (empty for any other
    cell): the crop binarised (Otsu); enlarged and sharpened; and, unless `altered` is False,
    binarised without its small blobs (a speck read as a decimal point or a stroke). The flag
    says the ink was altered (the last one), so that reading may make a comparison hold but
    cannot confirm a value."""
    return reread_many([text], [altered])[0]


def _reread_images(grey: np.ndarray, altered: bool) -> list[np.ndarray]:
    _, otsu = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    big = cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    sharp = cv2.addWeighted(big, 1.6, cv2.GaussianBlur(big, (0, 0), 2), -0.6, 0)
    images = [otsu, sharp]
    if altered:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(255 - otsu, connectivity=8)
        despeck = otsu.copy()
        if n > 2:
            largest = stats[1:, 4].max()
            small = np.nonzero(stats[:, 4] < 0.25 * largest)[0]
            despeck[np.isin(labels, small[small > 0])] = 255
        images.append(despeck)
    return [cv2.copyMakeBorder(im, 6, 6, 10, 10, cv2.BORDER_CONSTANT, value=255) for im in images]


def reread_many(texts: list, altered: list[bool]) -> list[list[tuple[Reading, bool]]]:
    """`reread` for many cells in one pass of the engine."""
    images, counts = [], []
    for text, alt in zip(texts, altered):
        if getattr(text, "crop", None) is None or not getattr(text, "numeric", False):
            counts.append(0)
            continue
        mine = _reread_images(text.crop, alt)
        images += mine
        counts.append(len(mine))
    readings = engine().read_lines(images) if images else []
    out, k = [], 0
    for n in counts:
        out.append([(r[1], altered) for r, altered in zip(readings[k:k + n], (False, False, True))])
        k += n
    return out


def read_tables(page: PageImage, ruling: Ruling) -> list[Grid]:
    """Every table of the page as a grid of recognised cells."""
    cells: list[tuple[TableImage, object, CellImage]] = []
    for table in ruling.tables:
        for region in table.regions:
            m = 1
            cells.append((table, region, CellImage(page, ruling, region.x0 + m, region.y0 + m,
                                                   region.x1 - m, region.y1 - m)))
    line_images = [im for _, _, c in cells for im in c.lines]
    readings = engine().read_lines(line_images)
    grids, k = [], 0
    by_table: dict[int, list] = {}
    for table, region, cell in cells:
        mine = readings[k:k + len(cell.lines)]
        k += len(cell.lines)
        text, conf, numeric = cell_text(cell, mine)
        s = page.scale
        x0, y0, x1, y1 = cell.box
        crop = None
        if numeric and cell.lines:
            c0, a, c1, b = cell.line_boxes[0]
            crop = cell.grey[max(a - 3, 0):b + 3, max(c0 - 3, 0):c1 + 3]
        t = OcrText.make(text, page.page, (x0 / s, y0 / s, x1 / s, y1 / s), conf, crop, numeric)
        by_table.setdefault(id(table), []).append((region, t))
    for table in ruling.tables:
        spans = [(r.row, r.col, r.rowspan, r.colspan, t) for r, t in by_table.get(id(table), [])]
        # Column edges as a share of the table's width, on a nominal width in points: a table
        # continued on the next page keeps its ruling in proportion, whatever the page's
        # scale and shift (a photographed page is neither the same size nor in the same place).
        left, width = table.col_edges[0], max(table.col_edges[-1] - table.col_edges[0], 1)
        col_x = [(NOMINAL_WIDTH * (a - left) / width, NOMINAL_WIDTH * (b - left) / width)
                 for a, b in zip(table.col_edges, table.col_edges[1:])]
        grids.append(from_spans(spans, len(table.row_edges) - 1, len(table.col_edges) - 1,
                                page=page.page, col_x=col_x))
    return grids
