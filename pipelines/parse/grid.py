"""One table as read from any document: a grid whose merged regions are single cells.

HTML (rowspan/colspan), PDF (camelot's cells without a ruling line between them) and DOCX
(gridSpan/vMerge) all become this shape, so the normaliser places values the same way for
every source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(eq=False)
class Cell:
    text: str
    row: int  # top-left position of the merged region
    col: int
    rowspan: int = 1
    colspan: int = 1
    # PDF: the cell's box on its page, in points [x0, top, x1, bottom] from the page's
    # top-left corner (the evidence a reviewer is shown); None for HTML and DOCX.
    bbox: tuple[float, float, float, float] | None = None

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(eq=False)
class Grid:
    cells: list[list[Cell | None]]  # every position points at the cell covering it
    page: int | None = None  # 1-based PDF page; None for HTML
    col_x: list[tuple[float, float]] | None = None  # PDF: each column's left and right edge

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def row_cells(self, r: int) -> list[Cell]:
        """Distinct cells covering row r, left to right (merged regions once)."""
        out: list[Cell] = []
        for cell in self.cells[r]:
            if cell is not None and (not out or out[-1] is not cell) and cell not in out:
                out.append(cell)
        return out

    def has_holes(self, r: int) -> bool:
        """Row r covers fewer positions than the table is wide: cells were dropped (an HTML
        row whose empty cells were left out), so position can no longer confirm any column."""
        return len(self.cells[r]) < self.n_cols or any(c is None for c in self.cells[r])

    def text(self) -> str:
        seen: set[int] = set()
        parts = []
        for row in self.cells:
            for cell in row:
                if cell is not None and id(cell) not in seen:
                    seen.add(id(cell))
                    parts.append(cell.text)
        return " ".join(parts)



ALIGN_TOLERANCE = 3.0  # points: ruling lines of one table drawn on two pages


def aligned_columns(prev: Grid, grid: Grid) -> dict[int, int]:
    """prev's column index → grid's column index, for columns with the same ruling.

    A table continued on the next page keeps the ruling of its value columns even when its
    label columns are split differently, or when a column whose dividing line only some rows
    draw comes out as one: a run of prev's columns whose outer edges are one of grid's columns
    maps onto it.
    """
    if prev.col_x is None or grid.col_x is None:
        return {c: c for c in range(prev.n_cols)} if prev.n_cols == grid.n_cols else {}
    out = {}
    for j, (b0, b1) in enumerate(grid.col_x):
        starts = [i for i, (a0, _) in enumerate(prev.col_x) if abs(a0 - b0) <= ALIGN_TOLERANCE]
        ends = [i for i, (_, a1) in enumerate(prev.col_x) if abs(a1 - b1) <= ALIGN_TOLERANCE]
        if starts and ends and starts[0] <= ends[-1]:
            for i in range(starts[0], ends[-1] + 1):
                out[i] = j
    return out


def columns_align(prev: Grid, grid: Grid) -> bool:
    """grid continues prev's columns: each of its columns is one of prev's, a run of prev's
    (a divider only some rows draw) or a part of one of prev's (label columns split finer)."""
    if prev.col_x is None or grid.col_x is None:
        return prev.n_cols == grid.n_cols
    exact = set(aligned_columns(prev, grid).values())
    inside = {j for j, (b0, b1) in enumerate(grid.col_x)
              if any(a0 - ALIGN_TOLERANCE <= b0 and b1 <= a1 + ALIGN_TOLERANCE
                     for a0, a1 in prev.col_x)}
    return len(exact) >= 2 and (exact | inside) == set(range(grid.n_cols))


def from_spans(spans: list[tuple], n_rows: int, n_cols: int,
               page: int | None = None,
               col_x: list[tuple[float, float]] | None = None) -> Grid:
    """Build a grid from (row, col, rowspan, colspan, text[, bbox]) regions."""
    cells: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for r, c, rs, cs, text, *box in spans:
        cell = Cell(text, r, c, rs, cs, box[0] if box else None)
        for rr in range(r, min(r + rs, n_rows)):
            for cc in range(c, min(c + cs, n_cols)):
                cells[rr][cc] = cell
    return Grid(cells, page, col_x)


DOMINANT_SHARE = 0.75  # of a cell's width, for a cell ruled a little apart from its header


def dominant(grid: Grid, cell: Cell, target_of) -> object | None:
    """The one target (header) under most of a value cell that spans grid columns of several.

    A value row ruled a few points apart from its header makes camelot add sliver columns, so
    the cell spans its own header's column and a sliver of the next one: the cell is placed by
    its own position, the header under at least three quarters of its width. Only where the
    ruling is known (PDF); in HTML and DOCX a cell spanning two headers is a real merge."""
    if grid.col_x is None:
        return None
    width: dict[object, float] = {}
    for c in range(cell.col, cell.last_col + 1):
        x0, x1 = grid.col_x[c]
        key = target_of(c)
        width[key] = width.get(key, 0.0) + (x1 - x0)
    total = sum(width.values())
    best = max(width, key=width.get)
    return best if best is not None and total > 0 and width[best] >= DOMINANT_SHARE * total else None
