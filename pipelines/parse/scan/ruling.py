"""Ruling lines, tables and their cell grid on an upright scanned page, with OpenCV.

The cells are the regions the ruling encloses: connected areas of paper inside a table that
no line crosses. A merged cell is simply a larger region, so merged cells need no special
case; the grid's rows and columns come from clustering the regions' edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipelines.parse.scan.image import ink

MIN_TABLE_WIDTH_PT = 150  # a table narrower than this is a box or a seal, not the template's
MIN_CELL_PT = 4  # a region thinner than this is the gap of a doubled line


@dataclass
class Region:
    x0: int  # pixel box, inclusive-exclusive
    y0: int
    x1: int
    y1: int
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1


@dataclass
class TableImage:
    x0: int
    y0: int
    x1: int
    y1: int
    regions: list[Region] = field(default_factory=list)
    col_edges: list[float] = field(default_factory=list)  # pixels
    row_edges: list[float] = field(default_factory=list)


@dataclass
class Ruling:
    binary: np.ndarray  # ink
    lines: np.ndarray  # ruling pixels (dilated a little), 255
    tables: list[TableImage]


def _segments(binary: np.ndarray, scale: float, horizontal: bool) -> np.ndarray:
    """Straight runs of ink long enough to be ruling, with small gaps (a faded or
    speckled line) closed."""
    if horizontal:
        length = max(int(18 * scale), 15)  # longer than any character's stroke
        k_open = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
        k_close = cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(3 * scale), 3), 1))
    else:
        # A vertical divider may be only one row tall (about 13 points): the kernel is short,
        # and strokes of characters that pass it are dropped below unless they meet ruling.
        length = max(int(10.5 * scale), 9)
        k_open = cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
        k_close = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(int(3 * scale), 3)))
    out = cv2.morphologyEx(binary, cv2.MORPH_OPEN, k_open)
    return cv2.morphologyEx(out, cv2.MORPH_CLOSE, k_close)


def _touching(vert: np.ndarray, horiz: np.ndarray, scale: float) -> np.ndarray:
    """Vertical runs that meet horizontal ruling at both ends: dividers, not strokes (the
    stem of 十 or 本 stops short of the lines around its cell)."""
    reach = max(int(0.8 * scale), 2)
    near = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (reach * 2 + 1,
                                                                        reach * 2 + 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vert, connectivity=8)
    keep = np.zeros(n, bool)
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        top = near[y:y + reach, x:x + w].any()
        bottom = near[max(y + h - reach, 0):y + h, x:x + w].any()
        keep[k] = top and bottom
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted positions grouped where neighbours are within tol; each group's median."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [float(np.median(g)) for g in out]


def _nearest(edges: list[float], v: float) -> int:
    return int(np.argmin([abs(e - v) for e in edges]))


def find(grey: np.ndarray, scale: float) -> Ruling:
    binary = ink(grey, scale)
    horiz = _segments(binary, scale, True)
    vert = _touching(_segments(binary, scale, False), horiz, scale)
    lines = cv2.bitwise_or(horiz, vert)
    # Join the ends of lines that stop short of each other at a corner.
    lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    tables = []
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        if w < MIN_TABLE_WIDTH_PT * scale or h < 12 * scale:
            continue
        own = np.where(labels[y:y + h, x:x + w] == k, 255, 0).astype(np.uint8)
        table = _cells(own, x, y, scale)
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: t.y0)
    return Ruling(binary, lines, tables)


def _cells(own: np.ndarray, x: int, y: int, scale: float) -> TableImage | None:
    """The paper regions the table's ruling encloses, and their places in a grid."""
    h, w = own.shape
    paper = cv2.bitwise_not(own)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(paper, connectivity=4)
    min_side = MIN_CELL_PT * scale
    regions = []
    for k in range(1, n):
        rx, ry, rw, rh, area = stats[k]
        if rx == 0 or ry == 0 or rx + rw >= w or ry + rh >= h:
            continue  # outside the table's frame
        if rw < min_side or rh < min_side or area < 0.5 * rw * rh:
            continue  # a sliver between doubled lines, or not a box
        regions.append(Region(x + rx, y + ry, x + rx + rw, y + ry + rh))
    if len(regions) < 2:
        return None
    tol = 5 * scale  # an edge drifts a few pixels along a slightly curved or tilted line
    cols = _cluster([r.x0 for r in regions] + [r.x1 for r in regions], tol)
    rows = _cluster([r.y0 for r in regions] + [r.y1 for r in regions], tol)
    # Boundaries come in pairs (the right edge of one cell, the left edge of the next, a line
    # apart): merge edges closer than the thickest line.
    cols = _cluster(cols, 4 * scale)
    rows = _cluster(rows, 4 * scale)
    for r in regions:
        r.col = _nearest(cols, r.x0)
        r.colspan = max(_nearest(cols, r.x1) - r.col, 1)
        r.row = _nearest(rows, r.y0)
        r.rowspan = max(_nearest(rows, r.y1) - r.row, 1)
    table = TableImage(x, y, x + w, y + h, regions, cols, rows)
    return table
